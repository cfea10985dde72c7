# Hostile: spreads its memory over forked children, each under its own address-space limit: six children
# touch 70 MB each, 420 MB in all against a run limit of 128 MB. Per-process limits do not see it; the
# kernel's OOM killer, once the container is full, takes the biggest single process, which is the honest
# program in the other slot. The run as a whole must be held to its limit: this one ends at about 128 MB.
# expect: memory_limit_exceeded
# role: spreader
import os
import time

for _ in range(6):
    if os.fork() == 0:
        block = bytearray(70 * 1024 * 1024)
        for offset in range(0, len(block), 4096):
            block[offset] = 1
        time.sleep(20)
        os._exit(0)
time.sleep(20)
print("SURVIVED with 420 MB")
