# Hostile: a memory bomb spread over processes. Each of 32 children touches 60 MB, under the address-space
# limit every one of them, 1.9 GB all together: without a bound on the run as a whole it fills the
# container, and the kernel's OOM killer may take the program of another slot. kiln-run's guard sums the
# resident memory of the run's processes every 2 ms and ends the run at the memory limit.
# expect: memory_limit_exceeded
# limits: {"timeMs": 5000}
# max-time-ms: 8000
import os
import time

for _ in range(32):
    try:
        if os.fork() == 0:
            block = b"x" * (60 * 1024 * 1024)
            time.sleep(30)
            os._exit(0)
    except OSError:
        break
time.sleep(30)
