// Not an attack: the victim of slot_snoop. Keeps the secret from stdin in its HOME (made world-readable:
// the 0700 work dir alone must protect it), in /tmp and in /dev/shm, sleeps 2 s while the snoop runs in
// another slot, then checks that every copy is still there, unchanged.
// expect: ok
// stdout: SECRET_INTACT
// role: holder
#include <bits/stdc++.h>
#include <sys/stat.h>
#include <unistd.h>

int main() {
  std::string secret;
  std::getline(std::cin, secret);
  const std::string uid = std::to_string(getuid());
  const std::vector<std::string> places = {std::string(std::getenv("HOME")) + "/secret.txt", "/tmp/secret-" + uid,
                                           "/dev/shm/secret-" + uid};
  for (const auto& path : places) std::ofstream(path) << secret;
  chmod(places[0].c_str(), 0644);
  std::cout << "HOLDING" << std::endl;
  sleep(2);
  bool intact = true;
  for (const auto& path : places) {
    std::ifstream in(path);
    std::string kept;
    std::getline(in, kept);
    intact &= kept == secret;
  }
  std::cout << (intact ? "SECRET_INTACT" : "SECRET_CHANGED") << "\n";
}
