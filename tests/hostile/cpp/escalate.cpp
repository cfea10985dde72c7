// Hostile: tries to become root or gain capabilities: setuid(0), setgroups, a new user or mount namespace
// (unshare), mount(2), chroot, and exec of a setuid-root binary (mount), which no-new-privileges must turn
// into a plain program. The program must end as it started: its own uid, no capabilities.
// expect: ok
// stdout: BLOCKED
#include <bits/stdc++.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

int main() {
  std::vector<std::string> leaks;
  const uid_t uid = getuid();
  if (setuid(0) == 0) leaks.push_back("setuid(0)");
  if (setresuid(0, 0, 0) == 0) leaks.push_back("setresuid(0)");
  if (setgid(0) == 0) leaks.push_back("setgid(0)");
  gid_t root_group = 0;
  if (setgroups(1, &root_group) == 0) leaks.push_back("setgroups([0])");
  if (unshare(CLONE_NEWUSER) == 0) leaks.push_back("unshare(user)");
  if (unshare(CLONE_NEWNS) == 0) leaks.push_back("unshare(mount)");
  if (mount("none", std::getenv("HOME"), "tmpfs", 0, nullptr) == 0) leaks.push_back("mount");
  if (chroot("/tmp") == 0) leaks.push_back("chroot");
  pid_t child = fork();
  if (child == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    dup2(null, 2);
    execl("/usr/bin/mount", "mount", "-t", "tmpfs", "none", "/mnt", static_cast<char*>(nullptr));
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) leaks.push_back("setuid mount succeeded");
  std::ifstream self("/proc/self/status");
  for (std::string line; std::getline(self, line);) {
    if ((line.rfind("CapEff:", 0) == 0 || line.rfind("CapPrm:", 0) == 0) && std::stoull(line.substr(7), nullptr, 16) != 0) {
      leaks.push_back(line);
    }
    if (line.rfind("NoNewPrivs:", 0) == 0 && line.find('1') == std::string::npos) leaks.push_back("no_new_privs is off");
  }
  if (getuid() != uid || geteuid() != uid || getuid() == 0) leaks.push_back("uid changed");
  if (leaks.empty()) std::printf("BLOCKED: still uid %u, no capabilities\n", uid);
  for (const auto& leak : leaks) std::printf("LEAKED: %s\n", leak.c_str());
}
