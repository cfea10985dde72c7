// Hostile: takes every process its uid may have (RLIMIT_NPROC, 64) and holds them for 5 s. The limit is
// the kernel's, per uid, and a uid is the same number in every container on the host: while this runs in
// one replica, a run in the same slot of another replica of the same image must still work.
// expect: ok
// stdout: HOGGING
// role: hog
#include <cstdio>
#include <unistd.h>

int main() {
  int held = 0;
  while (held < 1000) {
    pid_t child = fork();
    if (child < 0) break;
    if (child == 0) {
      sleep(5);
      _exit(0);
    }
    held++;
  }
  std::printf("HOGGING %d processes\n", held);
  std::fflush(stdout);
  sleep(5);
}
