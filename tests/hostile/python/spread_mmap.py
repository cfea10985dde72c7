# Hostile: a shared anonymous mapping (MAP_SHARED): 90 MB touched in the parent, then a child that drops
# the mapping (so its own address space is small) and takes 60 MB more. Pages of a shared mapping are
# shared memory, not any one process's heap; they count once, and the total passes 128 MB.
# expect: memory_limit_exceeded
# role: spreader
import mmap
import os
import time

shared = mmap.mmap(-1, 90 * 1024 * 1024, flags=mmap.MAP_SHARED)
for offset in range(0, len(shared), 4096):
    shared[offset] = 1
if os.fork() == 0:
    shared.close()
    block = bytearray(60 * 1024 * 1024)
    time.sleep(20)
    os._exit(0)
time.sleep(20)
print("SURVIVED with 150 MB")
