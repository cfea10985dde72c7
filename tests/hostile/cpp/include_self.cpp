// Hostile: a compile-time attack. The source includes itself, twice per level, so that a preprocessor
// without a nesting limit would expand it for ever (2^depth copies). GCC stops at its include depth (200)
// and the run must end as a compile error at once, its diagnostics cut at the compile output cap.
// expect: compile_error
// compile: compile_error
// max-time-ms: 20000
#include "main.cpp"
#include "main.cpp"
int main() {}
