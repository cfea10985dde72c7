// Hostile: a program that submits itself again through the API, from the inside, so that one request
// would turn into an endless chain of runs: POST /api/v1/executions with its own source to gateway:5000,
// to 127.0.0.1:5000 (the executor's own loopback), and to every address on stdin (the harness lists the
// containers of the gateway, Redis and the worker, and the host's own addresses with the port the gateway
// is published on). The gateway is on a network the executors are not on, and the host has no address on
// theirs: every attempt must fail. (Names go to the container's DNS directly, two seconds at most: the C
// library's resolver retries for ten.)
// expect: ok
// stdout: RESUBMIT BLOCKED
// stdin: targets
// scope: stack
#include <arpa/inet.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

// An A record the container's resolver gives for `name` within 2 s, or "".
static std::string lookup(const std::string& name) {
  char line[256], server[64] = "";
  FILE* conf = std::fopen("/etc/resolv.conf", "r");
  while (conf && !server[0] && std::fgets(line, sizeof line, conf)) {
    std::sscanf(line, "nameserver %63s", server);
  }
  if (conf) std::fclose(conf);
  std::string query{0x4b, 0x1d, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  query += static_cast<char>(name.size()) + name + std::string("\0\0\1\0\1", 5);
  const int udp = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{AF_INET, htons(53), {}, {}};
  inet_pton(AF_INET, server, &to.sin_addr);
  sendto(udp, query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  pollfd ready{udp, POLLIN, 0};
  unsigned char reply[4096];
  const ssize_t size = poll(&ready, 1, 2000) > 0 ? recv(udp, reply, sizeof reply, 0) : -1;
  close(udp);
  // A reply to one A query ends with the address of its last answer.
  if (size < 16 || (reply[6] << 8 | reply[7]) == 0) return "";
  char text[INET_ADDRSTRLEN];
  return inet_ntop(AF_INET, reply + size - 4, text, sizeof text);
}

struct Target {
  std::string name, host;
  int port;
  int fd = -1;
  std::string outcome;
};

// Connect to every target at once, non-blocking, two seconds for all; POST the request where one succeeds.
static void resubmit(std::vector<Target>& targets, const std::string& request) {
  std::vector<pollfd> polls;
  for (Target& target : targets) {
    const bool numeric = target.host[0] >= '0' && target.host[0] <= '9';
    const std::string address = numeric ? target.host : lookup(target.host);
    sockaddr_in to{AF_INET, htons(target.port), {}, {}};
    if (address.empty() || inet_pton(AF_INET, address.c_str(), &to.sin_addr) != 1) {
      target.outcome = "does not resolve";
      continue;
    }
    target.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (connect(target.fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0 && errno != EINPROGRESS) {
      target.outcome = std::strerror(errno);
      close(target.fd);
      target.fd = -1;
    }
  }
  // Until every connect has completed, or two seconds have passed: a completed one leaves the poll set.
  std::vector<Target*> of;
  for (Target& target : targets) {
    if (target.fd < 0) continue;
    polls.push_back({target.fd, POLLOUT, 0});
    of.push_back(&target);
  }
  timespec start{}, now{};
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (size_t open = polls.size(); open > 0;) {
    clock_gettime(CLOCK_MONOTONIC, &now);
    const long left = 2000 - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
    if (left <= 0 || poll(polls.data(), polls.size(), static_cast<int>(left)) <= 0) break;
    for (size_t i = 0; i < polls.size(); ++i) {
      if (polls[i].fd < 0 || polls[i].revents == 0) continue;
      int error = 0;
      socklen_t length = sizeof error;
      getsockopt(polls[i].fd, SOL_SOCKET, SO_ERROR, &error, &length);
      if (error == 0) send(polls[i].fd, request.data(), request.size(), MSG_NOSIGNAL);
      of[i]->outcome = error == 0 ? "" : std::strerror(error);
      polls[i].fd = -1;
      --open;
    }
  }
  for (size_t i = 0; i < polls.size(); ++i) {
    if (polls[i].fd >= 0) of[i]->outcome = "no answer in 2 s";
  }
  for (Target& target : targets) {
    if (target.fd >= 0) close(target.fd);
  }
}

int main() {
  std::string source;
  if (FILE* self = std::fopen("main.cpp", "r")) {
    for (int c; (c = std::fgetc(self)) != EOF;) {
      if (c == '"' || c == '\\') source += '\\';
      if (c == '\n') source += "\\n";
      else source += static_cast<char>(c);
    }
    std::fclose(self);
  }
  const std::string body = R"({"language":"cpp","code":")" + source + "\"}";
  const std::string request = "POST /api/v1/executions?wait=false HTTP/1.1\r\nHost: gateway\r\n"
                              "Content-Type: application/json\r\nContent-Length: " +
                              std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
  std::vector<Target> targets = {{"gateway", "gateway", 5000}, {"loopback", "127.0.0.1", 5000}};
  char name[64], host[64];
  for (int port; std::scanf("%63s %63s %d", name, host, &port) == 3;) targets.push_back({name, host, port});
  resubmit(targets, request);
  std::vector<std::string> leaks;
  for (const Target& target : targets) {
    const std::string where = target.name + " " + target.host + ":" + std::to_string(target.port);
    if (target.outcome.empty()) leaks.push_back(where + " accepted the request");
    else std::printf("blocked %s: %s\n", where.c_str(), target.outcome.c_str());
  }
  if (leaks.empty()) {
    std::printf("RESUBMIT BLOCKED: %zu attempts failed\n", targets.size());
  } else {
    std::printf("LEAKED:");
    for (const auto& leak : leaks) std::printf(" %s;", leak.c_str());
    std::printf("\n");
  }
}
