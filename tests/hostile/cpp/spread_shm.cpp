// Hostile: POSIX shared memory written with write(), never mapped: 60 MB in /dev/shm that no process's
// memory shows, then 90 MB of heap. Files in a tmpfs are memory; the run's total is 150 MB.
// expect: memory_limit_exceeded
// role: spreader
#include <bits/stdc++.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

int main() {
  std::vector<char> chunk(15u << 20, 'x');
  for (int i = 0; i < 4; i++) {
    std::string name = "/kiln-spread-" + std::to_string(getpid()) + "-" + std::to_string(i);
    int fd = shm_open(name.c_str(), O_CREAT | O_RDWR, 0600);
    if (fd < 0 || write(fd, chunk.data(), chunk.size()) != static_cast<ssize_t>(chunk.size())) return 2;
  }
  std::vector<char>().swap(chunk);
  std::vector<char> block(90u << 20, 1);
  sleep(20);
  std::cout << "SURVIVED with 150 MB " << block[7] << "\n";
}
