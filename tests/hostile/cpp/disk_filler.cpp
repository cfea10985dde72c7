// Hostile: fills every writable file system (the work dir, /tmp, /dev/shm) with 15 MB files until it is
// full. These are tmpfs, so the pages are the container's memory and count in the run's: the run ends at
// its memory limit, long before the file systems (each as big as the container) are full, and the agent
// must still answer, clean all of it up and hand the slot on in working order.
// expect: memory_limit_exceeded
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <unistd.h>

int main() {
  static char chunk[1 << 20];
  long written = 0;
  for (std::string base : {std::string(std::getenv("HOME")), std::string("/tmp"), std::string("/dev/shm")}) {
    for (int index = 0; index < 100; ++index) {
      const std::string path = base + "/kiln-fill-" + std::to_string(index);
      const int fd = open(path.c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0600);
      if (fd < 0) break;
      int mb = 0;
      while (mb < 15 && write(fd, chunk, sizeof chunk) == static_cast<ssize_t>(sizeof chunk)) ++mb;
      close(fd);
      written += mb;
      if (mb < 15) break;
    }
  }
  std::printf("FILLED %ld MB\n", written);
}
