// Hostile: a daemon that tries to outlive its run: fork, setsid, fork again (the classic double fork), so
// the grandchild is in a session of its own and no child of the program. It ignores SIGTERM, SIGHUP and
// SIGINT, keeps a TCP listener on 127.0.0.1:40103 and rewrites a marker in /tmp every 50 ms. The program
// exits at once with status ok; the next run must find neither the listener nor the marker.
// expect: ok
// stdout: DAEMON_STARTED
// gone: /tmp/kiln-daemon-cpp tcp:40103
#include <arpa/inet.h>
#include <csignal>
#include <cstdio>
#include <fcntl.h>
#include <initializer_list>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

int main() {
  int ready[2];
  if (pipe(ready) != 0) return 1;
  if (fork() == 0) {
    setsid();
    if (fork() == 0) {
      for (int sig : {SIGTERM, SIGHUP, SIGINT}) std::signal(sig, SIG_IGN);
      int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
      int one = 1;
      setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      sockaddr_in address{};
      address.sin_family = AF_INET;
      address.sin_port = htons(40103);
      address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || listen(listener, 8) != 0) _exit(1);
      if (write(ready[1], "up", 2) != 2) _exit(1);
      int null = open("/dev/null", O_RDWR);
      for (int fd = 0; fd < 3; fd++) dup2(null, fd);
      for (;;) {
        if (FILE* marker = std::fopen("/tmp/kiln-daemon-cpp", "w")) {
          std::fprintf(marker, "%d\n", getpid());
          std::fclose(marker);
        }
        int client = accept(listener, nullptr, nullptr);
        if (client >= 0) close(client);
        usleep(50'000);
      }
    }
    _exit(0);
  }
  close(ready[1]);
  wait(nullptr);
  char answer[2];
  if (read(ready[0], answer, 2) == 2) std::puts("DAEMON_STARTED");
}
