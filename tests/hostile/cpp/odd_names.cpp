// Hostile: entries under names a cleanup that reads names as text gets wrong (invalid UTF-8, a newline, a
// leading dash, 255 bytes), every kind of entry (FIFO, socket, hard link, symlinks to /etc/passwd, to
// nowhere, to a dir), and a directory with its permissions removed that still holds a file. In /tmp,
// /dev/shm and the work dir. The next run in the slot must find none of it.
// expect: ok
// stdout: PLANTED
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <string>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static void plant(const std::string& path) {
  int fd = open(path.c_str(), O_CREAT | O_WRONLY, 0600);
  if (fd >= 0) {
    if (write(fd, "secret of the previous run\n", 27) < 0) perror("write");
    close(fd);
  }
}

int main() {
  const std::string names[] = {"\xff\xfe-not-utf8", "new\nline", "-rf", std::string(255, 'x'), "caf\xe9"};
  for (std::string base : {std::string("/tmp"), std::string("/dev/shm"), std::string(getenv("HOME"))}) {
    std::string root = base + "/kiln-odd-" + std::to_string(getpid());
    mkdir(root.c_str(), 0700);
    for (const auto& name : names) {
      plant(root + "/" + name);
      plant(base + "/" + name.substr(0, 200) + "-top");
    }
    mkfifo((root + "/fifo").c_str(), 0600);
    int listener = socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::string socket_path = root + "/socket";
    socket_path.copy(address.sun_path, sizeof address.sun_path - 1);
    bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address);
    link((root + "/-rf").c_str(), (root + "/hard-link").c_str());
    symlink("/etc/passwd", (root + "/to-passwd").c_str());
    symlink("/nonexistent/\xff", (root + "/dangling\xff").c_str());
    symlink(root.c_str(), (root + "/to-self").c_str());
    std::string locked = root + "/locked\xff";
    mkdir(locked.c_str(), 0700);
    plant(locked + "/inside");
    chmod(locked.c_str(), 0);
    chmod(root.c_str(), 0);
  }
  puts("PLANTED");
}
