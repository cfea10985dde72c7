// Hostile: runs while slot_holder sits in another slot and tries to reach its files: list /sandbox and
// every slot-N, open slot-N/secret.txt, go through the holder's /proc/<pid>/cwd, root, environ and fds,
// read what the holder left in /tmp and /dev/shm, and SIGKILL the holder. All must fail; the harness checks
// that the secret never shows up here and that the holder finished intact.
// expect: ok
// stdout: SAW_HOLDER
// stdout: BLOCKED
// role: snoop
#include <bits/stdc++.h>
#include <csignal>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

std::vector<std::string> leaks;

void must_not_open(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) return;
  char buffer[100] = {};
  ssize_t got = read(fd, buffer, sizeof buffer - 1);
  leaks.push_back(path + ": " + std::string(buffer, got > 0 ? got : 0));
  close(fd);
}

void must_not_list(const std::string& path) {
  if (DIR* dir = opendir(path.c_str())) {
    leaks.push_back(path + " listed");
    closedir(dir);
  }
}

std::vector<pid_t> others(uid_t me) {
  std::vector<pid_t> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream status(entry.path() / "status");
    for (std::string line; std::getline(status, line);) {
      if (line.rfind("Uid:", 0) != 0) continue;
      unsigned long uid = std::stoul(line.substr(4));
      if (uid != 0 && uid != me) found.push_back(std::stoi(entry.path().filename().string()));
    }
  }
  return found;
}

int main() {
  const uid_t me = getuid();
  const std::string home = std::getenv("HOME");
  auto holders = others(me);
  for (int waited = 0; holders.empty() && waited < 60; waited++) {
    usleep(50'000);
    holders = others(me);
  }
  if (!holders.empty()) std::cout << "SAW_HOLDER " << holders.size() << "\n";
  must_not_list("/sandbox");
  for (int slot = 0; slot < 16; slot++) {
    const std::string dir = "/sandbox/slot-" + std::to_string(slot);
    if (dir == home) continue;
    must_not_list(dir);
    must_not_open(dir + "/secret.txt");
  }
  for (pid_t pid : holders) {
    const std::string proc = "/proc/" + std::to_string(pid);
    must_not_open(proc + "/cwd/secret.txt");
    must_not_list(proc + "/root/");
    must_not_open(proc + "/environ");
    must_not_list(proc + "/fd");
    if (kill(pid, SIGKILL) == 0) leaks.push_back("SIGKILL delivered to " + std::to_string(pid));
  }
  for (const char* scratch : {"/tmp", "/dev/shm"}) {
    for (const auto& entry : std::filesystem::directory_iterator(scratch)) {
      struct stat info{};
      if (lstat(entry.path().c_str(), &info) == 0 && info.st_uid != me) must_not_open(entry.path());
    }
  }
  if (leaks.empty()) std::cout << "BLOCKED\n";
  for (const auto& leak : leaks) std::cout << "LEAKED: " << leak << "\n";
}
