// Hostile: a compile-time attack. Sixteen levels of macros, each expanding the previous one four times,
// make one line of source into 4^16 (four billion) tokens. The preprocessor's memory must run out (its
// address-space limit, or the kernel's OOM killer, which takes cc1plus at oom_score_adj 1000 and never the
// agent) and the run end as a compile error, promptly, with the executor unharmed; a compile killed for
// memory depends on the load of the moment, so it must be reported as a memory limit and never cached as
// the source's verdict.
// expect: compile_error
// compile: memory_limit_exceeded
// max-time-ms: 20000
#define A0 x, x, x, x
#define A1 A0, A0, A0, A0
#define A2 A1, A1, A1, A1
#define A3 A2, A2, A2, A2
#define A4 A3, A3, A3, A3
#define A5 A4, A4, A4, A4
#define A6 A5, A5, A5, A5
#define A7 A6, A6, A6, A6
#define A8 A7, A7, A7, A7
#define A9 A8, A8, A8, A8
#define A10 A9, A9, A9, A9
#define A11 A10, A10, A10, A10
#define A12 A11, A11, A11, A11
#define A13 A12, A12, A12, A12
#define A14 A13, A13, A13, A13
#define A15 A14, A14, A14, A14
int x;
int main() {
  int all[] = {A15};
  return all[0];
}
