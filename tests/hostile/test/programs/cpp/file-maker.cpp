// The honest neighbour of a flood of files: makes 900 entries (empty files and directories, as the flood
// does) in each of its work dir, /tmp and /dev/shm, 30 at a time over about two seconds (so that it
// overlaps the flood in the other slot), then removes them. 900 is well within a run's share of each file
// system's inodes (a third of 16k, 8k and 4k). Prints MADE <entries>, or where creation first failed.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <vector>

int main() {
  std::vector<std::string> bases = {std::getenv("HOME"), "/tmp", "/dev/shm"};
  std::vector<std::string> roots;
  for (const auto &base : bases) {
    roots.push_back(base + "/neighbour-" + std::to_string(getpid()));
    mkdir(roots.back().c_str(), 0700);
  }
  int made = 0;
  std::map<std::string, std::string> failed;
  for (int step = 0; step < 30; step++) {
    for (size_t r = 0; r < roots.size(); r++) {
      for (int index = 0; index < 30; index++) {
        std::string name = roots[r] + "/e" + std::to_string(step) + "-" + std::to_string(index);
        int ok = index % 2 ? mkdir(name.c_str(), 0700) == 0 : [&] {
          int fd = open(name.c_str(), O_CREAT | O_WRONLY, 0600);
          return fd >= 0 && close(fd) == 0;
        }();
        if (ok) made++;
        else failed.emplace(bases[r], std::strerror(errno));
      }
    }
    usleep(60000);
  }
  for (const auto &root : roots) std::filesystem::remove_all(root);
  for (const auto &[base, error] : failed) std::cout << "FAILED in " << base << ": " << error << "\n";
  std::cout << "MADE " << made << "\n";
}
