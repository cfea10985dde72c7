#include <bits/stdc++.h>

int main() {
  std::string name;
  std::getline(std::cin, name);
  std::cout << "hello, " << name << "!\n";
}
