# Hostile: hides memory in /dev/shm files, which belong to no process: 60 MB of files (each under the 16 MB
# file size limit), then a 90 MB heap, under its address-space limit on its own. Files in a tmpfs are
# memory: they count in the run's total, which passes 128 MB.
# expect: memory_limit_exceeded
# role: spreader
import os
import time

chunk = b"x" * (15 * 1024 * 1024)
for index in range(4):
    with open(f"/dev/shm/kiln-spread-{os.getpid()}-{index}", "wb") as file:
        file.write(chunk)
del chunk
block = bytearray(90 * 1024 * 1024)
time.sleep(20)
print("SURVIVED with 150 MB")
