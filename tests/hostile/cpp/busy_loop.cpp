// Hostile: burns CPU for ever. The wall clock (or the CPU limit) must end it promptly.
// expect: time_limit_exceeded
// limits: {"timeMs": 2000, "cpuTimeMs": 1000}
// max-time-ms: 5000
int main() {
  volatile unsigned long spins = 0;
  for (;;) spins = spins + 1;
}
