// Hostile: gets a mebibyte of stdin and exits at once without reading a byte of it. The agent's write into
// the pipe then fails with EPIPE; it must take that as the program's business (status ok), not die of it.
// expect: ok
// stdin-kb: 1024
// stdout: EXITED
#include <unistd.h>

int main() {
  const char message[] = "EXITED without reading stdin\n";
  write(1, message, sizeof message - 1);
  _exit(0);
}
