// Hostile: SysV shared memory outlives every attachment: two 40 MB segments, touched and detached, so no
// process maps them any more, then 60 MB of heap. The segments are the run's memory until removed.
// expect: memory_limit_exceeded
// role: spreader
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>
#include <vector>

int main() {
  for (int i = 0; i < 2; i++) {
    int id = shmget(IPC_PRIVATE, 40u << 20, IPC_CREAT | 0600);
    if (id < 0) return 2;
    void* at = shmat(id, nullptr, 0);
    if (at == reinterpret_cast<void*>(-1)) return 3;
    memset(at, 1, 40u << 20);
    shmdt(at);
  }
  std::vector<char> block(60u << 20, 1);
  sleep(20);
  printf("SURVIVED with 140 MB %d\n", block[4096]);
}
