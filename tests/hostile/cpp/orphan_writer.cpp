// Hostile: the program exits at once but leaves a child that holds its stdout and stderr open and keeps
// writing, so the run's pipes never close by themselves. The agent must end the run when the program's
// own process ends, promptly, with only what came before.
// expect: ok
// stdout: PARENT_DONE
// max-time-ms: 3000
#include <cstdio>
#include <unistd.h>

int main() {
  std::puts("PARENT_DONE");
  std::fflush(stdout);
  if (fork() == 0) {
    usleep(500'000);
    for (;;) {
      if (write(1, "orphan output\n", 14) < 0) _exit(1);
      usleep(10'000);
    }
  }
}
