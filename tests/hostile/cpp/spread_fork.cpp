// Hostile: spreads its memory over forked children, each under its own address-space limit: six children
// touch 70 MB each, 420 MB in all against a run limit of 128 MB. The run as a whole must be held to its
// limit, or the kernel's OOM killer, once the container is full, takes the honest program in the other slot.
// expect: memory_limit_exceeded
// role: spreader
#include <cstdio>
#include <unistd.h>
#include <vector>

int main() {
  for (int i = 0; i < 6; i++) {
    if (fork() == 0) {
      // Filled and then read back, so that the compiler cannot leave the allocation out.
      std::vector<char> block(70u << 20, 1);
      sleep(20);
      _exit(block[4096] == 1 ? 0 : 1);
    }
  }
  sleep(20);
  puts("SURVIVED with 420 MB");
}
