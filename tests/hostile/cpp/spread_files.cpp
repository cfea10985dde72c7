// Hostile: memory as files in /tmp and its work dir (15 MB files, under the file size limit): 90 MB, then
// 50 MB of heap. Files in a tmpfs are memory; the run's total is 140 MB.
// expect: memory_limit_exceeded
// role: spreader
#include <bits/stdc++.h>
#include <unistd.h>

int main() {
  std::string chunk(15u << 20, 'y');
  for (std::string base : {std::string("/tmp"), std::string(getenv("HOME"))}) {
    for (int i = 0; i < 3; i++) {
      std::ofstream(base + "/kiln-spread-" + std::to_string(getpid()) + "-" + std::to_string(i)) << chunk;
    }
  }
  std::string().swap(chunk);
  std::vector<char> block(50u << 20, 1);
  sleep(20);
  std::cout << "SURVIVED with 140 MB " << block[3] << "\n";
}
