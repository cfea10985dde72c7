# Honest, several processes, just under the limit: a 70 MB heap, then four forked children that read it
# (sharing its pages) and take 6 MB each: about 100 MB in all, 370 MB if every process's RSS were summed.
# Shared pages count once: this must be ok.
import os

pattern = bytes(range(256)) * 4096  # 1 MB
block = bytearray(70 * len(pattern))
for index in range(70):
    block[index * len(pattern) : (index + 1) * len(pattern)] = pattern
children = []
for index in range(4):
    pid = os.fork()
    if pid == 0:
        own = bytearray(6 * 1024 * 1024)
        total = sum(block[offset] for offset in range(0, len(block), 4096)) + len(own)
        os._exit(0 if total > 0 else 1)
    children.append(pid)
failed = sum(os.waitpid(pid, 0)[1] != 0 for pid in children)
print("shared", len(block) >> 20, "MB with 4 children, failed:", failed)
