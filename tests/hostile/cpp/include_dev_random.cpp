// Hostile: a compile-time attack. The preprocessor is asked to include /dev/random, an endless file; the
// compile stage's own limits (time, output) must stop it and report a compile error, not hang the slot.
// expect: compile_error
// max-time-ms: 20000
#include </dev/random>

int main() {}
