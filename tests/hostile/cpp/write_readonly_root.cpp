// Hostile: tries to change the image itself: new files in /etc, /usr and /opt, appending to /etc/passwd,
// overwriting the compiler, the precompiled header, the agent's code and the sandbox helper, chmod of a
// system file, a new slot directory in /sandbox, files in the compile cache and next to the token.
// Every write must fail (read-only root, root-owned directories).
// expect: ok
// stdout: BLOCKED
#include <cstdio>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

int main() {
  std::vector<std::string> leaks;
  auto must_not_write = [&](const char* path, int flags) {
    int fd = open(path, O_WRONLY | flags, 0644);
    if (fd >= 0) {
      leaks.push_back(path);
      close(fd);
    }
  };
  must_not_write("/etc/kiln-pwned", O_CREAT);
  must_not_write("/etc/passwd", O_APPEND);
  must_not_write("/usr/bin/kiln-pwned", O_CREAT);
  must_not_write("/usr/bin/g++", O_APPEND);
  must_not_write("/opt/kiln/pch/bits/stdc++.h", O_APPEND);
  must_not_write("/opt/kiln/agent/dist/main.js", O_APPEND);
  must_not_write("/usr/local/libexec/kiln-run", O_APPEND);
  must_not_write("/etc/kiln/language.json", O_TRUNC);
  must_not_write("/sandbox/kiln-pwned", O_CREAT);
  must_not_write("/run/kiln/cache/kiln-pwned", O_CREAT);
  must_not_write("/run/secrets/kiln-pwned", O_CREAT);
  if (chmod("/etc/shadow", 0666) == 0) leaks.push_back("chmod /etc/shadow");
  if (mkdir("/sandbox/slot-9", 0700) == 0) leaks.push_back("mkdir /sandbox/slot-9");
  if (rename("/etc/hosts", "/etc/hosts.old") == 0) leaks.push_back("rename /etc/hosts");
  if (leaks.empty()) std::puts("BLOCKED: every write refused");
  for (const auto& leak : leaks) std::printf("LEAKED: %s\n", leak.c_str());
}
