// Hostile: a compile that takes far longer than anyone may wait: six hundred constant expressions, each
// a million loop steps, each kept under GCC's per-expression limits (so none of them fails) and using
// little memory (its values repeat). That is minutes of compiling; the compile stage's CPU-time limit
// (10 s, about 20 s of wall clock on half a CPU; the 30 s wall clock is only a backstop) must end it, and
// the run must come back as a compile error with the executor unharmed.
// expect: compile_error
// compile: time_limit_exceeded
// max-time-ms: 32000
constexpr unsigned long spin(unsigned long seed) {
  unsigned long total = seed;
  for (unsigned long i = 0; i < 1000; ++i)
    for (unsigned long j = 0; j < 1000; ++j) total = (total * 31 + (i ^ j)) & 255;
  return total;
}

template <int N>
struct Spin {
  static constexpr unsigned long value = spin(N);
};

// Each Spin<N>::value is its own constant expression, evaluated once: the limits count them one by one.
template <int N>
struct Sum {
  static constexpr unsigned long value = Spin<N>::value + Sum<N - 1>::value;
};

template <>
struct Sum<0> {
  static constexpr unsigned long value = 0;
};

int main() { return Sum<600>::value & 1; }
