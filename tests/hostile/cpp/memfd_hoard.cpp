// Hostile: memfds are memory on no file system a guard can watch: written, never mapped, each under the
// file size limit, a dozen of them hold 190 MB. memfd_create is refused to programs (ENOSYS, as on a kernel
// without it); without that, this would hold them unseen.
// expect: ok
// stdout: REFUSED
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

int main() {
  std::vector<char> chunk(15u << 20, 'm');
  int made = 0;
  for (int i = 0; i < 13; i++) {
    int fd = memfd_create("hoard", 0);
    if (fd < 0) {
      printf("REFUSED: %s\n", strerror(errno));
      return 0;
    }
    if (write(fd, chunk.data(), chunk.size()) == static_cast<ssize_t>(chunk.size())) made++;
  }
  printf("HOARDED %d MB in memfds\n", made * 15);
  sleep(5);
}
