// Hostile: a memory bomb spread over processes. Each of 32 children touches 60 MB, under the address-space
// limit every one of them, 1.9 GB all together: without a bound on the run as a whole it fills the
// container, and the kernel's OOM killer may take the program of another slot. kiln-run's guard sums the
// resident memory of the run's processes every 2 ms and ends the run at the memory limit.
// expect: memory_limit_exceeded
// limits: {"timeMs": 5000}
// max-time-ms: 8000
#include <unistd.h>

#include <vector>

int main() {
  for (int i = 0; i < 32; i++) {
    pid_t pid = fork();
    if (pid < 0) break;
    if (pid == 0) {
      std::vector<char> block(60 << 20, 1);
      sleep(30);
      _exit(block[7]);
    }
  }
  sleep(30);
}
