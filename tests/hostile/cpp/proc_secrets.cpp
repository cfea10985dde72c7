// Hostile: hunts for the executor token and the Redis password through /proc and the file system: the
// command line and environment of every process (and of every thread) in the container, /proc/1/environ,
// everything under /run/secrets, the agent's open files (fd and fdinfo), and the descriptors this program
// inherited (only 0, 1 and 2 may be open: an inherited fd could be the agent's socket or token file). It
// prints everything it could read, so the harness, which knows both secrets, checks them against the
// output; it reports any 64-hex-digit string (the form of both secrets) itself as a leak.
// expect: ok
// stdout: BLOCKED
#include <bits/stdc++.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static const char* const kSecretWords[] = {"KILN", "TOKEN", "SECRET", "REDIS", "PASSWORD"};
static std::vector<std::string> leaks;
static int refused = 0;

static bool secret_like(const std::string& data) {
  int run = 0;
  for (const char c : data) {
    run = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ? run + 1 : 0;
    if (run >= 64) return true;
  }
  return false;
}

static std::optional<std::string> slurp(const std::string& path) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    ++refused;
    return std::nullopt;
  }
  std::string data;
  char buffer[65536];
  ssize_t n;
  while ((n = read(fd, buffer, sizeof buffer)) > 0 && data.size() < sizeof buffer) data.append(buffer, n);
  close(fd);
  if (n < 0) {
    ++refused;
    return std::nullopt;
  }
  if (secret_like(data)) leaks.push_back(path + " holds a 64-hex-digit string");
  return data;
}

static std::optional<std::vector<std::string>> list(const std::string& path) {
  DIR* dir = opendir(path.c_str());
  if (!dir) {
    ++refused;
    return std::nullopt;
  }
  std::vector<std::string> names;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') names.emplace_back(entry->d_name);
  }
  closedir(dir);
  return names;
}

int main() {
  for (const auto& pid : list("/proc").value_or(std::vector<std::string>{})) {
    if (!std::isdigit(static_cast<unsigned char>(pid[0]))) continue;
    const auto tasks = list("/proc/" + pid + "/task").value_or(std::vector<std::string>{});
    for (const std::string part : {"cmdline", "environ"}) {
      if (auto data = slurp("/proc/" + pid + "/" + part)) {
        std::replace(data->begin(), data->end(), '\0', ' ');
        std::printf("read /proc/%s/%s: %s\n", pid.c_str(), part.c_str(), data->substr(0, 300).c_str());
      }
      for (const auto& tid : tasks) {
        if (tid != pid) slurp("/proc/" + pid + "/task/" + tid + "/" + part);
      }
    }
    const auto fds = list("/proc/" + pid + "/fd");
    if (!fds) continue;
    struct stat info {};
    stat(("/proc/" + pid).c_str(), &info);
    if (info.st_uid != getuid()) leaks.push_back("listed the fds of pid " + pid);
    for (const auto& fd : *fds) slurp("/proc/" + pid + "/fdinfo/" + fd);
  }
  slurp("/proc/1/environ");
  for (const auto& name : list("/run/secrets").value_or(std::vector<std::string>{})) {
    if (slurp("/run/secrets/" + name)) leaks.push_back("read /run/secrets/" + name);
  }
  // Checked with fcntl, so that no descriptor of a listing gets in the way: only 0, 1 and 2 may be open.
  for (int fd = 3; fd < 1024; ++fd) {
    if (fcntl(fd, F_GETFD) == -1) continue;
    char target[256] = {};
    readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), target, sizeof target - 1);
    leaks.push_back("inherited fd " + std::to_string(fd) + " -> " + target);
  }
  for (char** variable = environ; *variable; ++variable) {
    const std::string entry = *variable;
    std::string name = entry.substr(0, entry.find('='));
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
    const bool named = std::any_of(std::begin(kSecretWords), std::end(kSecretWords),
                                   [&](const char* word) { return name.find(word) != std::string::npos; });
    if (named || secret_like(entry)) leaks.push_back("environment variable " + name);
  }
  if (leaks.empty()) {
    std::printf("BLOCKED: %d reads refused, nothing secret in the rest\n", refused);
  } else {
    std::printf("LEAKED:");
    for (const auto& leak : leaks) std::printf(" %s;", leak.c_str());
    std::printf("\n");
  }
}
