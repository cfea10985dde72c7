# Hostile: files no directory names any more: six 15 MB files in /tmp, unlinked at once but kept open, so
# their pages stay (90 MB a walk of /tmp cannot see), then 50 MB of heap. Open files count by what they
# hold: the run's total is 140 MB.
# expect: memory_limit_exceeded
# role: spreader
import os
import time

chunk = b"z" * (15 * 1024 * 1024)
held = []
for index in range(6):
    path = f"/tmp/kiln-unlinked-{os.getpid()}-{index}"
    file = open(path, "wb")
    os.unlink(path)
    file.write(chunk)
    file.flush()
    held.append(file)
del chunk
block = bytearray(50 * 1024 * 1024)
time.sleep(20)
print("SURVIVED with 140 MB")
