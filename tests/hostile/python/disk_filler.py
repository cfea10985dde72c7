# Hostile: fills every writable file system (the work dir, /tmp, /dev/shm) with 15 MB files until it is
# full. These are tmpfs, so the pages are the container's memory and count in the run's: the run ends at
# its memory limit, long before the file systems (each as big as the container) are full, and the agent
# must still answer, clean all of it up and hand the slot on in working order.
# expect: memory_limit_exceeded
import os

chunk = b"\0" * (1024 * 1024)
written = 0
for base in (os.environ["HOME"], "/tmp", "/dev/shm"):
    for index in range(100):
        try:
            with open(f"{base}/kiln-fill-{index}", "wb") as file:
                for _ in range(15):
                    file.write(chunk)
                    written += 1
        except OSError:
            break
print(f"FILLED {written} MB")
