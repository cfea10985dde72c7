// Hostile: signals the agent to death. Sends SIGKILL to every process whose command line holds
// dist/main.js (the agent and the container's init), to pid 1 and to its own parent (the root sandbox
// helper), then to -1, which reaches every process the caller may signal. Each direct kill must fail with
// EPERM, and every target must still be alive afterwards (kill(-1) reports success even when it reached
// nobody, so only the survivors tell).
// expect: ok
// stdout: BLOCKED
#include <bits/stdc++.h>
#include <csignal>
#include <unistd.h>

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

int main() {
  auto targets = agent_pids();
  targets.insert(1);
  targets.insert(getppid());
  std::vector<std::string> leaks;
  for (pid_t pid : targets) {
    if (kill(pid, SIGKILL) == 0) leaks.push_back("SIGKILL delivered to " + std::to_string(pid));
    else if (errno != EPERM) leaks.push_back(std::to_string(pid) + ": " + std::strerror(errno));
  }
  kill(-1, SIGKILL);
  for (pid_t pid : targets) {
    if (kill(pid, 0) != 0 && errno != EPERM) leaks.push_back(std::to_string(pid) + " is gone");
  }
  if (leaks.empty()) {
    std::printf("BLOCKED: %zu targets refused and alive\n", targets.size());
  } else {
    for (const auto& leak : leaks) std::printf("LEAKED: %s\n", leak.c_str());
  }
}
