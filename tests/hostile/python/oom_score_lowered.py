# Hostile: puts the agent first in line for the kernel's OOM killer. Programs start with oom_score_adj
# 1000 so that they, never the agent, die when the container runs short; but a process may lower its own
# value back to the floor it inherited (0, the agent's) unless a privileged writer pinned it. If that works,
# it fills the container with many small processes, each smaller than the agent, so that the kernel's
# choice falls on the agent and the executor dies with every run in it.
# kiln-run confines the program's writes with Landlock (work dir, /tmp, /dev/shm, /dev/mqueue), so the
# write is refused; where the kernel has no Landlock, the OOM guard ends the run within 2 ms instead.
# expect: ok
# stdout: BLOCKED
import os
import time

try:
    with open("/proc/self/oom_score_adj", "w") as adj:
        adj.write("0")
except OSError as err:
    print(f"BLOCKED: oom_score_adj stays {open('/proc/self/oom_score_adj').read().strip()} ({err.strerror})")
    raise SystemExit(0)
for _ in range(60):
    try:
        if os.fork() == 0:
            block = bytearray(5 * 1024 * 1024)
            for page in range(0, len(block), 4096):
                block[page] = 1
            time.sleep(30)
            os._exit(0)
    except OSError:
        break
time.sleep(5)
print("LEAKED: ran for 5 s with a lowered OOM score")
