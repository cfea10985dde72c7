// Hostile: an output flood. Writes 64 KiB blocks to stdout with write(2) for ever; the agent must cut it
// at the output cap, kill it and keep what came.
// expect: output_limit_exceeded
#include <string>
#include <unistd.h>

int main() {
  std::string block(65536, 'x');
  for (;;) {
    if (write(1, block.data(), block.size()) < 0) return 1;
  }
}
