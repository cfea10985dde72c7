// Honest, several processes, just under the limit: an 80 MB heap, then four forked children that read it
// (sharing its pages) and take 6 MB each: about 105 MB in all, 420 MB if every process's RSS were summed.
// Shared pages count once: this must be ok.
#include <bits/stdc++.h>
#include <sys/wait.h>
#include <unistd.h>

int main() {
  std::vector<unsigned char> block(80u << 20, 3);
  std::vector<pid_t> children;
  for (int i = 0; i < 4; i++) {
    pid_t pid = fork();
    if (pid == 0) {
      std::vector<unsigned char> own(6u << 20, 1);
      unsigned long long sum = 0;
      for (size_t j = 0; j < block.size(); j += 4096) sum += block[j];
      usleep(300000);
      _exit(sum > 0 && own[5] == 1 ? 0 : 1);
    }
    children.push_back(pid);
  }
  int failed = 0;
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    failed += status != 0;
  }
  std::cout << "shared " << (block.size() >> 20) << " MB with 4 children, failed: " << failed << "\n";
}
