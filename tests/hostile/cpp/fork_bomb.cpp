// Hostile: a classic fork bomb. Every process forks in a loop for ever and never exits; when fork fails
// (RLIMIT_NPROC) it simply tries again. The agent's wall clock must end the run and its janitor must kill
// every last process: the next run checks that none is left.
// expect: time_limit_exceeded
// limits: {"timeMs": 3000}
// max-time-ms: 8000
#include <unistd.h>

int main() {
  for (;;) fork();
}
