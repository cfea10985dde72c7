# Hostile: memory as files in the tmpfs dirs it may write: 45 MB in /tmp, 45 MB in its work dir (15 MB
# files, under the file size limit), and 50 MB of heap. Each part is small; the run's total is 140 MB.
# expect: memory_limit_exceeded
# role: spreader
import os
import time

chunk = b"y" * (15 * 1024 * 1024)
for base in ("/tmp", os.environ["HOME"]):
    for index in range(3):
        with open(f"{base}/kiln-spread-{os.getpid()}-{index}", "wb") as file:
            file.write(chunk)
del chunk
block = bytearray(50 * 1024 * 1024)
time.sleep(20)
print("SURVIVED with 140 MB")
