// Hostile: a directory tree 1,000 levels deep in /tmp, /dev/shm and its work dir, made one relative name at
// a time: far beyond PATH_MAX. A cleanup that builds paths fails on it and restarts the executor; one that
// walks by directory descriptor removes it.
// expect: ok
// stdout: DEEP 3000
#include <cstdio>
#include <cstdlib>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

int main() {
  int made = 0;
  const std::string name(200, 'd');
  for (const char* base : {static_cast<const char*>("/tmp"), static_cast<const char*>("/dev/shm"), static_cast<const char*>(getenv("HOME"))}) {
    if (chdir(base) != 0 || mkdir("kiln-deep", 0700) != 0 || chdir("kiln-deep") != 0) return 2;
    for (int i = 0; i < 1000; i++) {
      if (mkdir(name.c_str(), 0700) != 0 || chdir(name.c_str()) != 0) return 3;
      made++;
    }
  }
  printf("DEEP %d\n", made);
}
