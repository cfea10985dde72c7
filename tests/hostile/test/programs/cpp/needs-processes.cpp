// An ordinary program that needs a thread and a child process, as many real programs do.
#include <bits/stdc++.h>
#include <sys/wait.h>
#include <unistd.h>

int main() {
  long sum = 0;
  std::thread worker([&] { for (int i = 0; i < 1000; i++) sum += i; });
  worker.join();
  pid_t child = fork();
  if (child == 0) _exit(42);
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child || WEXITSTATUS(status) != 42) return 1;
  std::cout << "fine: " << sum << " child\n";
}
