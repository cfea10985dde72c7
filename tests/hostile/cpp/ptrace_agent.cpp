// Hostile: attaches to the agent with ptrace (PTRACE_ATTACH and PTRACE_SEIZE) and tries to read its memory
// through /proc/<pid>/mem and process_vm_readv. A tracer could read the token from the agent's heap or
// make it run anything as root: every attempt must fail.
// expect: ok
// stdout: BLOCKED
#include <bits/stdc++.h>
#include <fcntl.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
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
  std::vector<std::string> leaks;
  int refused = 0;
  for (pid_t pid : agent_pids()) {
    const std::string id = std::to_string(pid);
    if (ptrace(PTRACE_ATTACH, pid, nullptr, nullptr) == 0) leaks.push_back("attach " + id); else refused++;
    if (ptrace(PTRACE_SEIZE, pid, nullptr, nullptr) == 0) leaks.push_back("seize " + id); else refused++;
    int mem = open(("/proc/" + id + "/mem").c_str(), O_RDONLY);
    if (mem >= 0) leaks.push_back("/proc/" + id + "/mem opened"); else refused++;
    char buffer[64];
    iovec local{buffer, sizeof buffer}, remote{reinterpret_cast<void*>(0x400000), sizeof buffer};
    if (process_vm_readv(pid, &local, 1, &remote, 1, 0) >= 0 || errno != EPERM) {
      leaks.push_back("process_vm_readv " + id + ": " + std::strerror(errno));
    } else {
      refused++;
    }
  }
  if (refused == 0) leaks.push_back("no agent found to attack");
  if (leaks.empty()) std::printf("BLOCKED: %d attempts refused\n", refused);
  for (const auto& leak : leaks) std::printf("LEAKED: %s\n", leak.c_str());
}
