// Hostile: a shared anonymous mapping (MAP_SHARED): 90 MB touched, then a child that drops the mapping and
// takes 60 MB of its own. Shared pages belong to no single process's heap; they count once, in the run.
// expect: memory_limit_exceeded
// role: spreader
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

int main() {
  const size_t size = 90u << 20;
  void* shared = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (shared == MAP_FAILED) return 2;
  memset(shared, 1, size);
  if (fork() == 0) {
    munmap(shared, size);
    std::vector<char> block(60u << 20, 1);
    sleep(20);
    _exit(block[4096] == 1 ? 0 : 1);
  }
  sleep(20);
  puts("SURVIVED with 150 MB");
}
