// Hostile: fills the file systems with inodes, not bytes: empty files and directories, as fast as it can,
// in the work dir, /tmp and /dev/shm, until creation fails. An empty file costs no tmpfs pages, so the size
// limits do not see it, but each one pins about a kilobyte of kernel memory that the container is charged
// for and that no OOM kill frees: with the default inode count of a tmpfs (half the host's RAM pages), a
// few hundred thousand files take the whole container, and the kernel then kills the agent. Every tmpfs
// must have its own inode limit (nr_inodes) so that creation fails with ENOSPC long before that.
// Each run may hold only its share of a shared tmpfs's inodes (the limit divided by the slots plus
// one), so that the other slot can still create files: past it the guard ends the run.
// It runs beside a neighbour making files of its own (test/support/flood.ts), which must make all of them.
// Without a linear count (a count that reread each directory from where it was for every subdirectory took
// seconds) and without the run stopped while it is counted, the flood filled all three file systems first.
// role: flooder
// expect: runtime_error
// limits: {"timeMs": 20000, "cpuTimeMs": 15000}
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

int main() {
  long made = 0;
  for (std::string base : {std::string(std::getenv("HOME")), std::string("/tmp"), std::string("/dev/shm")}) {
    const std::string root = base + "/kiln-inodes";
    if (mkdir(root.c_str(), 0700) != 0) continue;
    for (long index = 0;; ++index) {
      const std::string path = root + (index % 2 ? "/d" : "/f") + std::to_string(index);
      const int fd = index % 2 ? mkdir(path.c_str(), 0700) : open(path.c_str(), O_CREAT | O_WRONLY, 0600);
      if (fd < 0) {
        std::printf("%s: stopped: %s\n", base.c_str(), std::strerror(errno));
        break;
      }
      if (index % 2 == 0) close(fd);
      ++made;
    }
  }
  std::printf("FILLED with %ld empty files and directories\n", made);
}
