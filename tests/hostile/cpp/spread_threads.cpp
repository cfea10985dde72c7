// Hostile: threads share one address space: four threads take 5 MB after 5 MB, each block filled, until
// allocation fails. The address-space limit and the run's limit both see the sum; neither the run nor the
// other slot may suffer more than this run's memory limit.
// expect: memory_limit_exceeded
// role: spreader
#include <bits/stdc++.h>

int main() {
  std::vector<std::thread> threads;
  std::atomic<long> held{0};
  for (int i = 0; i < 4; i++) {
    threads.emplace_back([&held] {
      std::vector<std::vector<char>> blocks;
      for (;;) {
        blocks.emplace_back(5u << 20, 1);
        held += blocks.back()[12345];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  std::cout << "SURVIVED with " << held * 5 << " MB\n";
}
