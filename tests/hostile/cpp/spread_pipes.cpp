// Hostile: kernel memory the guard cannot count: sixty children each fill 31 pipes (their open-file limit),
// which the kernel caps at 64 MB of pipe buffers per user (pipe-user-pages-soft, then one page a pipe),
// about 70 MB in all; then the parent's heap grows until the run's limit ends it. Pipe buffers are charged
// to the container: they come out of the executor's reserve, which is sized for them, and the honest
// neighbour must not notice.
// expect: memory_limit_exceeded
// role: spreader
#include <fcntl.h>
#include <unistd.h>
#include <cstdio>
#include <vector>

int main() {
  for (int child = 0; child < 60; child++) {
    if (fork() != 0) continue;
    static char chunk[65536];
    for (int i = 0; i < 31; i++) {
      int ends[2];
      if (pipe2(ends, O_NONBLOCK) != 0) break;
      while (write(ends[1], chunk, sizeof chunk) > 0) {
      }
    }
    sleep(20);
    _exit(0);
  }
  sleep(1);
  std::vector<std::vector<char>> heap;
  for (;;) {
    heap.emplace_back(4u << 20, 1);
    usleep(10000);
    if (heap.size() > 100) break;
  }
  printf("SURVIVED with %zu MB of heap\n", heap.size() * 4);
}
