// The honest neighbour of a memory attack: takes most of its own limit (100 MB of 128), fills it with a
// pattern, holds it for a moment (so that it overlaps the attack in the other slot) and prints a checksum.
#include <bits/stdc++.h>
#include <unistd.h>

int main() {
  std::vector<unsigned char> block(100u << 20);
  for (size_t i = 0; i < block.size(); i++) block[i] = static_cast<unsigned char>(i * 2654435761u >> 24);
  usleep(800000);
  unsigned long long sum = 0;
  for (size_t i = 0; i < block.size(); i += 61) sum = sum * 31 + block[i];
  std::cout << "neighbour " << (block.size() >> 20) << " MB " << std::hex << sum << "\n";
}
