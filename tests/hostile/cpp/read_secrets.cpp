// Hostile: goes after the executor token and the agent's secrets: the token file, the environment, memory
// map, open files and working directory of the agent and of pid 1, the compile cache and the precompiled
// header's directory for writing, and its own environment (which must hold nothing of the agent's). The
// harness also checks that the token itself appears nowhere in the output.
// expect: ok
// stdout: BLOCKED
#include <bits/stdc++.h>
#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

extern char** environ;

std::set<pid_t> agent_pids() {
  std::set<pid_t> found;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream cmdline(entry.path() / "cmdline");
    std::string text((std::istreambuf_iterator<char>(cmdline)), std::istreambuf_iterator<char>());
    if (text.find("dist/main.js") != std::string::npos) found.insert(std::stoi(name));
  }
  return found;
}

std::vector<std::string> leaks;
int tried = 0;

void must_not_open(const std::string& path, int flags = O_RDONLY) {
  tried++;
  int fd = open(path.c_str(), flags, 0600);
  if (fd < 0) return;
  char buffer[200] = {};
  ssize_t got = read(fd, buffer, sizeof buffer - 1);
  leaks.push_back(path + " opened (" + std::to_string(got) + " bytes)");
  close(fd);
}

void must_not_list(const std::string& path) {
  tried++;
  if (DIR* dir = opendir(path.c_str())) {
    leaks.push_back(path + " listed");
    closedir(dir);
  }
}

int main() {
  must_not_open("/run/secrets/executor_token");
  must_not_list("/run/kiln");
  must_not_list("/run/kiln/cache");
  must_not_open("/opt/kiln/pch/bits/stdc++.h.gch", O_WRONLY | O_APPEND);
  auto pids = agent_pids();
  if (pids.empty()) leaks.push_back("no agent found to attack");
  for (pid_t pid : pids) {
    const std::string proc = "/proc/" + std::to_string(pid);
    for (const char* part : {"environ", "maps", "mem", "stack", "syscall", "auxv"}) must_not_open(proc + "/" + part);
    must_not_list(proc + "/fd");
    must_not_list(proc + "/cwd");
    must_not_list(proc + "/root/run/secrets");
    for (int fd = 3; fd < 32; fd++) {
      int opened = open((proc + "/fd/" + std::to_string(fd)).c_str(), O_RDONLY);
      if (opened >= 0) {
        leaks.push_back(proc + "/fd/" + std::to_string(fd) + " opened");
        close(opened);
      }
    }
  }
  for (char** variable = environ; *variable; variable++) {
    std::string name = *variable;
    name = name.substr(0, name.find('='));
    for (const char* word : {"KILN", "TOKEN", "SECRET", "NODE"}) {
      if (name.find(word) != std::string::npos) leaks.push_back("environment holds " + name);
    }
  }
  if (leaks.empty()) std::printf("BLOCKED: %d attempts refused\n", tried);
  for (const auto& leak : leaks) std::printf("LEAKED: %s\n", leak.c_str());
}
