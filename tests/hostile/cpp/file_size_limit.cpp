// Hostile: writes one file past the per-file size limit (RLIMIT_FSIZE, 16 MB) in the work dir, which has
// room for it (a 64 MB tmpfs). With SIGXFSZ ignored, the write past the limit fails with EFBIG; the file
// must stop at 16 MB.
// expect: ok
// stdout: BLOCKED
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

int main() {
  std::signal(SIGXFSZ, SIG_IGN);
  static char chunk[1 << 20];
  std::memset(chunk, 'k', sizeof chunk);
  const std::string path = std::string(std::getenv("HOME")) + "/kiln-big";
  const int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
  long written = 0;
  while (written < 24L << 20) {
    const ssize_t n = write(fd, chunk, sizeof chunk);
    if (n < 0) break;
    written += n;
  }
  const int error = errno;
  struct stat info {};
  fstat(fd, &info);
  if (info.st_size > 16L << 20 || written >= 24L << 20) {
    std::printf("LEAKED: %lld bytes in one file\n", static_cast<long long>(info.st_size));
  } else {
    std::printf("BLOCKED at %lld bytes: %s\n", static_cast<long long>(info.st_size), std::strerror(error));
  }
}
