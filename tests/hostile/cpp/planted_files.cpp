// Hostile: leaves files for the next run in every writable place (/tmp, $HOME, /dev/shm, /dev/mqueue), in
// forms that are awkward to remove: a hidden file, a name with a newline, a deep tree whose directories
// are made unreadable and unwritable (0000), a FIFO, a symlink to /etc/passwd (cleanup must remove the
// link and never follow it) and a POSIX message queue. The next run must find all of them empty.
// expect: ok
// stdout: PLANTED
// gone: /tmp/kiln-planted /tmp/.kiln-hidden /tmp/kiln-tree /tmp/kiln-fifo /tmp/kiln-link /dev/shm/kiln-planted
// gone: /dev/mqueue/kiln-planted
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <mqueue.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

static bool plant(const std::string& path, const char* text) {
  FILE* file = std::fopen(path.c_str(), "w");
  if (!file) return false;
  std::fputs(text, file);
  return std::fclose(file) == 0;
}

int main() {
  bool ok = true;
  for (std::string base : {std::string("/tmp"), std::string(std::getenv("HOME")), std::string("/dev/shm")}) {
    ok &= plant(base + "/kiln-planted", "for the next run\n");
    ok &= plant(base + "/.kiln-hidden", "hidden\n");
    ok &= plant(base + "/kiln-new\nline", "odd name\n");
    std::string tree = base + "/kiln-tree";
    for (std::string dir : {tree, tree + "/a", tree + "/a/b", tree + "/a/b/c"}) ok &= mkdir(dir.c_str(), 0700) == 0;
    ok &= plant(tree + "/a/b/c/deep", "deep\n");
    for (std::string dir : {tree + "/a/b/c", tree + "/a/b", tree + "/a", tree}) ok &= chmod(dir.c_str(), 0) == 0;
    ok &= mkfifo((base + "/kiln-fifo").c_str(), 0600) == 0;
    ok &= symlink("/etc/passwd", (base + "/kiln-link").c_str()) == 0;
  }
  ok &= mq_open("/kiln-planted", O_CREAT | O_RDWR, 0600, nullptr) >= 0;
  std::puts(ok ? "PLANTED" : "could not plant everything");
}
