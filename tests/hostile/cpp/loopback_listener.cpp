// Hostile: a listener left for the next run without daemon tricks: a plain child (same session, same
// process group) inherits a TCP listener on 127.0.0.1:40203, a bound UDP socket and an abstract unix
// socket, and sleeps; the program itself exits at once. The next run must find no listener.
// expect: ok
// stdout: LISTENING
// gone: tcp:40203
#include <arpa/inet.h>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int main() {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(40203);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int tcp = socket(AF_INET, SOCK_STREAM, 0), udp = socket(AF_INET, SOCK_DGRAM, 0);
  int one = 1;
  setsockopt(tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(tcp, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(tcp, 8) != 0) return 1;
  if (bind(udp, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) return 1;
  int unix_socket = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un name{};
  name.sun_family = AF_UNIX;
  std::memcpy(name.sun_path + 1, "kiln-hostile-listener", 21);
  if (bind(unix_socket, reinterpret_cast<sockaddr*>(&name), sizeof(sa_family_t) + 22) != 0) return 1;
  listen(unix_socket, 8);
  if (fork() == 0) {
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; fd++) dup2(null, fd);
    sleep(600);
    _exit(0);
  }
  std::puts("LISTENING");
}
