// Hostile: tries to reach what an executor must never reach. The executors' network is `internal` (no way
// out) and shared with the worker only; Redis and the gateway sit on another network; the host must not be
// reachable either (a host service bound to 0.0.0.0 would otherwise be one connect away). It asks the
// container's DNS for redis, gateway and an outside name (none may resolve), and connects, two seconds at
// most each, to Redis and the gateway by name, to the worker's health port (and all its low ports and
// those Node and Kiln use), to the internet, to its default gateway, and to every address on stdin (the
// harness lists the containers of Redis, the gateway and the worker, and the host's own addresses with
// the gateway's published port and a port the harness listens on). Every connection must fail.
// expect: ok
// stdout: NETWORK BLOCKED
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

// Only light headers: on half a CPU, <iostream> and friends would add seconds to the compile.
struct Target {
  std::string name, host;
  int port;
};

static std::vector<std::string> leaks;

static long long now_ms() {
  timespec now{};
  clock_gettime(CLOCK_MONOTONIC, &now);
  return now.tv_sec * 1000LL + now.tv_nsec / 1000000;
}

// The A records the container's resolver gives for each name, all asked at once, 2 s for the answers.
static std::vector<std::vector<std::string>> lookup(const std::vector<std::string>& names) {
  std::vector<std::vector<std::string>> found(names.size());
  char line[256], server[64] = "";
  FILE* conf = std::fopen("/etc/resolv.conf", "r");
  while (conf && !server[0] && std::fgets(line, sizeof line, conf)) {
    std::sscanf(line, "nameserver %63s", server);
  }
  if (conf) std::fclose(conf);
  const int udp = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in to{AF_INET, htons(53), {}, {}};
  inet_pton(AF_INET, server, &to.sin_addr);
  for (size_t id = 0; id < names.size(); ++id) {
    std::string query{static_cast<char>(id >> 8), static_cast<char>(id), 1, 0, 0, 1, 0, 0, 0, 0, 0, 0};
    for (size_t at = 0; at <= names[id].size();) {
      const size_t dot = std::min(names[id].find('.', at), names[id].size());
      query += static_cast<char>(dot - at) + names[id].substr(at, dot - at);
      at = dot + 1;
    }
    query += std::string("\0\0\1\0\1", 5);
    sendto(udp, query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
  }
  const long long deadline = now_ms() + 2000;
  for (long long left; (left = deadline - now_ms()) > 0;) {
    pollfd ready{udp, POLLIN, 0};
    if (poll(&ready, 1, static_cast<int>(left)) <= 0) break;
    unsigned char reply[4096];
    const ssize_t size = recv(udp, reply, sizeof reply, 0);
    if (size < 12) continue;
    const size_t id = reply[0] << 8 | reply[1];
    const int count = reply[6] << 8 | reply[7];
    size_t at = 12;
    while (at < static_cast<size_t>(size) && reply[at] != 0) at += reply[at] + 1;
    at += 5;  // past the question's terminating zero, type and class
    for (int i = 0; i < count && at + 10 <= static_cast<size_t>(size); ++i) {
      if (reply[at] & 0xC0) {
        at += 2;
      } else {
        while (reply[at] != 0) at += reply[at] + 1;
        ++at;
      }
      const int kind = reply[at] << 8 | reply[at + 1];
      const int length = reply[at + 8] << 8 | reply[at + 9];
      if (kind == 1 && id < names.size()) {
        char text[INET_ADDRSTRLEN];
        inet_ntop(AF_INET, reply + at + 10, text, sizeof text);
        found[id].push_back(text);
      }
      at += 10 + length;
    }
  }
  close(udp);
  return found;
}

static void report(const Target& target, const char* outcome, bool quiet) {
  const std::string where = target.name + " " + target.host + ":" + std::to_string(target.port);
  if (!outcome) leaks.push_back("connected to " + where);
  else if (!quiet) std::printf("blocked %s: %s\n", where.c_str(), outcome);
}

// Connect to every target of the batch at once, non-blocking; two seconds for any of them to complete.
static void attempt(const Target* batch, size_t size, bool quiet) {
  std::vector<pollfd> polls;
  std::vector<const Target*> of;
  for (const Target* target = batch; target < batch + size; ++target) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in to{AF_INET, htons(target->port), {}, {}};
    inet_pton(AF_INET, target->host.c_str(), &to.sin_addr);
    if (connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0 || errno != EINPROGRESS) {
      report(*target, errno == EINPROGRESS ? nullptr : std::strerror(errno), quiet);
      close(fd);
      continue;
    }
    polls.push_back({fd, POLLOUT, 0});
    of.push_back(target);
  }
  const long long deadline = now_ms() + 2000;
  size_t open = polls.size();
  for (long long left; open > 0 && (left = deadline - now_ms()) > 0;) {
    if (poll(polls.data(), polls.size(), static_cast<int>(left)) <= 0) break;
    for (size_t i = 0; i < polls.size(); ++i) {
      if (polls[i].fd < 0 || polls[i].revents == 0) continue;
      int error = 0;
      socklen_t length = sizeof error;
      getsockopt(polls[i].fd, SOL_SOCKET, SO_ERROR, &error, &length);
      report(*of[i], error == 0 ? nullptr : std::strerror(error), quiet);
      close(polls[i].fd);
      polls[i].fd = -1;
      --open;
    }
  }
  for (size_t i = 0; i < polls.size(); ++i) {
    if (polls[i].fd >= 0) {
      report(*of[i], "no answer in 2 s", quiet);
      close(polls[i].fd);
    }
  }
}

static void attempt_all(const std::vector<Target>& targets, bool quiet) {
  for (size_t start = 0; start < targets.size(); start += 48) {  // under the limit of 64 open files
    attempt(targets.data() + start, std::min<size_t>(48, targets.size() - start), quiet);
  }
}

int main() {
  const std::vector<std::string> names = {"redis", "gateway", "example.com", "worker"};
  const auto resolved = lookup(names);
  for (size_t i = 0; i < 3; ++i) {
    std::printf("dns %s: %zu answers\n", names[i].c_str(), resolved[i].size());
    if (!resolved[i].empty()) leaks.push_back(names[i] + " resolves to " + resolved[i][0]);
  }
  std::vector<Target> targets = {
      {"internet", "1.1.1.1", 443}, {"internet", "8.8.8.8", 53}, {"internet", "9.9.9.9", 443}};
  for (const auto& address : resolved[0]) targets.push_back({"redis", address, 6379});
  for (const auto& address : resolved[1]) targets.push_back({"gateway", address, 5000});
  char row[512], destination[32], gateway[32];
  FILE* routes = std::fopen("/proc/net/route", "r");
  while (routes && std::fgets(row, sizeof row, routes)) {
    if (std::sscanf(row, "%*s %31s %31s", destination, gateway) != 2) continue;
    if (std::strcmp(destination, "00000000") != 0) continue;
    const in_addr address{static_cast<in_addr_t>(std::strtoul(gateway, nullptr, 16))};
    for (const int port : {22, 53, 80, 443, 2375, 5000, 6379}) {
      targets.push_back({"default-gateway", inet_ntoa(address), port});
    }
  }
  if (routes) std::fclose(routes);
  char name[64], host[64];
  for (int port; std::scanf("%63s %63s %d", name, host, &port) == 3;) targets.push_back({name, host, port});
  attempt_all(targets, false);

  // The worker shares this network and must listen on none of it: its low ports, and those Node and Kiln
  // use (health 8081, the gateway's 5000, an inspector's 9229). All 65535 would take half a CPU 15 s.
  std::vector<Target> worker;
  for (const auto& address : resolved[3]) {
    for (int port = 1; port <= 1024; ++port) worker.push_back({"worker", address, port});
    for (const int port : {3000, 5000, 6379, 8000, 8080, 8081, 8443, 8765, 9090, 9229, 9230}) {
      worker.push_back({"worker", address, port});
    }
  }
  attempt_all(worker, true);
  std::printf("tried %zu ports of the worker\n", worker.size());

  if (leaks.empty()) {
    std::printf("NETWORK BLOCKED: %zu connections and 3 lookups failed\n", targets.size() + worker.size());
  } else {
    std::printf("LEAKED:");
    for (const auto& leak : leaks) std::printf(" %s;", leak.c_str());
    std::printf("\n");
  }
}
