// Hostile: a run with a mebibyte of stdin (the gateway's cap, KILN_MAX_STDIN_KB), sixteen times a pipe's
// buffer, so the agent must keep feeding the pipe as the program drains it. Reads it all and checks every
// 64-byte line (its own index, zero-padded): nothing may be lost, cut or reordered on the way.
// expect: ok
// stdin-kb: 1024
// stdout: READ 1048576 bytes, 16384 lines INTACT
#include <cstdio>
#include <string>
#include <unistd.h>

int main() {
  std::string data;
  char buffer[65536];
  for (ssize_t n; (n = read(0, buffer, sizeof buffer)) > 0;) data.append(buffer, n);
  long lines = 0;
  long broken = -1;
  for (size_t at = 0; at < data.size(); ++lines) {
    const size_t end = data.find('\n', at);
    if (end == std::string::npos) {
      broken = lines;
      break;
    }
    char expected[64];
    std::snprintf(expected, sizeof expected, "%063ld", lines);
    if (broken < 0 && data.compare(at, end - at, expected) != 0) broken = lines;
    at = end + 1;
  }
  std::printf("READ %zu bytes, %ld lines ", data.size(), lines);
  if (broken < 0) std::printf("INTACT\n");
  else std::printf("BROKEN at line %ld\n", broken);
}
