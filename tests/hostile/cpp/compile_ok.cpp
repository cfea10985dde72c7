// Not an attack: an ordinary program with the whole standard library (the precompiled header) must still
// compile and run in the hardened container.
// expect: ok
// stdout: compiled fine: 5050
#include <bits/stdc++.h>

int main() {
  std::vector<int> numbers(100);
  std::iota(numbers.begin(), numbers.end(), 1);
  std::cout << "compiled fine: " << std::accumulate(numbers.begin(), numbers.end(), 0) << "\n";
}
