// Hostile: a thread bomb. Starts sleeping threads until std::thread throws; RLIMIT_NPROC (64, counted in
// threads) or the address-space limit must stop it well before the container's pids limit.
// expect: ok
// stdout: BLOCKED
#include <chrono>
#include <cstdio>
#include <system_error>
#include <thread>
#include <vector>

int main() {
  std::vector<std::thread> threads;
  try {
    while (threads.size() < 10000) {
      threads.emplace_back([] { std::this_thread::sleep_for(std::chrono::minutes(10)); });
    }
  } catch (const std::system_error& error) {
    std::printf("BLOCKED after %zu threads: %s\n", threads.size(), error.what());
  }
  if (threads.size() >= 64) std::printf("LEAKED: %zu threads, past the process limit of 64\n", threads.size());
  std::fflush(stdout);
  _exit(0);  // the threads sleep on; the janitor must take them
}
