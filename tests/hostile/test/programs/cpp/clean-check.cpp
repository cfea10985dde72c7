// The run after every attack, in the same slot: is the container back to its baseline, from the inside?
// stdin: lines "path <p>" and "port <n>" named by the attack. Prints a greeting, then CLEAN or DIRTY lines.
#include <bits/stdc++.h>
#include <unistd.h>

namespace fs = std::filesystem;

static std::vector<std::string> lines_of(const std::string& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

static std::vector<std::string> words_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

int main() {
  std::vector<std::string> paths, problems;
  std::set<long> ports;
  for (std::string kind, value; std::cin >> kind >> value;) {
    if (kind == "path") paths.push_back(value);
    if (kind == "port") ports.insert(std::stol(value));
  }

  const std::string me = std::to_string(getpid());
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos || name == me) continue;
    const auto status = lines_of("/proc/" + name + "/status");
    // A zombie holds nothing but its pid, until its parent reaps it.
    const bool zombie = std::any_of(status.begin(), status.end(), [](const std::string& line) {
      return line.rfind("State:", 0) == 0 && (line.find('Z') != std::string::npos || line.find('X') != std::string::npos);
    });
    for (const auto& line : status) {
      if (zombie || line.rfind("Uid:", 0) != 0) continue;
      auto uids = words_of(line.substr(4));
      if (std::any_of(uids.begin(), uids.end(), [](const std::string& uid) { return uid != "0"; })) {
        problems.push_back("foreign process " + name + " uid " + uids[0]);
      }
    }
  }

  for (const char* scratch : {"/tmp", "/dev/shm", "/dev/mqueue"}) {
    std::vector<std::string> left;
    for (const auto& entry : fs::directory_iterator(scratch)) left.push_back(entry.path().filename());
    std::sort(left.begin(), left.end());
    for (const auto& name : left) problems.push_back(std::string(scratch) + " not empty: " + name);
  }

  std::vector<std::string> home;
  for (const auto& entry : fs::directory_iterator(std::getenv("HOME"))) home.push_back(entry.path().filename());
  std::sort(home.begin(), home.end());
  if (home != std::vector<std::string>{"main", "main.cpp"}) {
    std::string all;
    for (const auto& name : home) all += name + " ";
    problems.push_back("HOME holds " + all);
  }

  std::set<long> listening;
  for (const char* table : {"/proc/net/tcp", "/proc/net/tcp6"}) {
    auto rows = lines_of(table);
    for (size_t i = 1; i < rows.size(); i++) {
      auto cells = words_of(rows[i]);
      if (cells.size() > 3 && cells[3] == "0A") {
        listening.insert(std::stol(cells[1].substr(cells[1].rfind(':') + 1), nullptr, 16));
      }
    }
  }
  for (long port : listening) {
    if (port != 8765) problems.push_back("port " + std::to_string(port) + " is listening");
    if (ports.count(port)) problems.push_back("the attack's port " + std::to_string(port) + " is still listening");
  }

  for (const char* table : {"/proc/net/udp", "/proc/net/udp6"}) {
    auto rows = lines_of(table);
    for (size_t i = 1; i < rows.size(); i++) {
      auto cells = words_of(rows[i]);
      if (cells.size() > 1) problems.push_back("udp socket bound: " + cells[1]);
    }
  }

  auto unix_rows = lines_of("/proc/net/unix");
  for (size_t i = 1; i < unix_rows.size(); i++) {
    auto cells = words_of(unix_rows[i]);
    if (cells.size() > 7) problems.push_back("unix socket bound: " + cells[7]);
  }

  for (const char* kind : {"shm", "msg", "sem"}) {
    if (lines_of(std::string("/proc/sysvipc/") + kind).size() > 1) {
      problems.push_back(std::string("SysV ") + kind + " objects left");
    }
  }

  for (const auto& path : paths) {
    std::error_code error;
    if (fs::exists(fs::symlink_status(path, error))) problems.push_back(path + " still exists");
  }

  std::cout << "hello from the clean check\n";
  if (problems.empty()) std::cout << "CLEAN\n";
  for (const auto& problem : problems) std::cout << "DIRTY " << problem << "\n";
}
