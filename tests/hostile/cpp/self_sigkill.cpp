// Fidelity: a program that kills itself with SIGKILL. A bare process dies of signal 9 and nothing more;
// with no sign of memory it is a runtime error with signal SIGKILL, never a memory limit.
// expect: runtime_error
#include <csignal>
#include <cstdio>
#include <unistd.h>

int main() {
  puts("about to die");
  fflush(stdout);
  kill(getpid(), SIGKILL);
}
