// Hostile: puts the agent first in line for the kernel's OOM killer. Programs start with oom_score_adj
// 1000 so that they, never the agent, die when the container runs short; but a process may lower its own
// value back to the floor it inherited (0, the agent's) unless a privileged writer pinned it. If that works,
// it fills the container with many small processes, each smaller than the agent, so that the kernel's
// choice falls on the agent and the executor dies with every run in it.
// kiln-run confines the program's writes with Landlock (work dir, /tmp, /dev/shm, /dev/mqueue), so the
// write is refused; where the kernel has no Landlock, the OOM guard ends the run within 2 ms instead.
// expect: ok
// stdout: BLOCKED
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

int main() {
  int adj = open("/proc/self/oom_score_adj", O_WRONLY);
  if (adj < 0 || write(adj, "0", 1) != 1) {
    std::printf("BLOCKED: oom_score_adj could not be lowered (%s)\n", std::strerror(errno));
    return 0;
  }
  close(adj);
  for (int child = 0; child < 60; child++) {
    pid_t pid = fork();
    if (pid < 0) break;
    if (pid == 0) {
      // volatile: the pages must really be touched, not optimised away with the allocation.
      volatile char* block = static_cast<volatile char*>(std::malloc(5 << 20));
      for (int page = 0; block && page < (5 << 20); page += 4096) block[page] = 1;
      sleep(30);
      _exit(0);
    }
  }
  sleep(5);
  std::printf("LEAKED: ran for 5 s with a lowered OOM score\n");
}
