// Hostile: a compile-time attack by template instantiation: std::make_integer_sequence with 16 million
// arguments, expanded in a fold expression, makes the compiler build a template argument list and an
// expression tree of that size. The compiler's memory must run out (its address-space limit, or the
// kernel's OOM killer, which takes cc1plus at oom_score_adj 1000 and never the agent) and the run end as a
// compile error within the compile stage's limits, with the executor unharmed.
// expect: compile_error
// compile: memory_limit_exceeded
// max-time-ms: 20000
#include <utility>

template <class T, T... I>
constexpr unsigned long sum(std::integer_sequence<T, I...>) {
  return (0ul + ... + I);
}

int main() { return sum(std::make_integer_sequence<unsigned, 1u << 24>{}) & 1; }
