// Hostile: a memory bomb. Allocates 16 MB blocks and touches every page, for ever. RLIMIT_AS (the run's
// memory limit) must make operator new throw std::bad_alloc long before the container runs short.
// expect: memory_limit_exceeded
#include <cstring>
#include <vector>

int main() {
  std::vector<char*> kept;
  for (;;) {
    char* block = new char[16 << 20];
    std::memset(block, 1, 16 << 20);
    kept.push_back(block);
  }
}
