// Hostile: leaves kernel objects that outlive every process: a SysV shared memory segment (attached and
// written), a message queue with a message in it, and a semaphore set. The next run must find none.
// expect: ok
// stdout: LEFT
#include <cstdio>
#include <cstring>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

int main() {
  int shm = shmget(IPC_PRIVATE, 1 << 20, IPC_CREAT | 0600);
  if (shm >= 0) {
    void* memory = shmat(shm, nullptr, 0);
    if (memory != reinterpret_cast<void*>(-1)) std::memset(memory, 1, 1 << 20);
  }
  int queue = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
  struct { long type; char text[64]; } message{1, "for the next run"};
  if (queue >= 0) msgsnd(queue, &message, sizeof message.text, 0);
  int semaphores = semget(IPC_PRIVATE, 4, IPC_CREAT | 0600);
  if (shm < 0 || queue < 0 || semaphores < 0) {
    std::perror("ipc");
    return 1;
  }
  std::printf("LEFT shm=%d msg=%d sem=%d\n", shm, queue, semaphores);
}
