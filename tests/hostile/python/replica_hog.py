# Hostile: takes every process its uid may have (RLIMIT_NPROC, 64) and holds them for 5 s. The limit is
# the kernel's, per uid, and a uid is the same number in every container on the host: while this runs in
# one replica, a run in the same slot of another replica of the same image must still work.
# expect: ok
# stdout: HOGGING
# role: hog
import os
import time

held = 0
try:
    while held < 1000:
        if os.fork() == 0:
            time.sleep(5)
            os._exit(0)
        held += 1
except OSError:
    pass
print(f"HOGGING {held} processes", flush=True)
time.sleep(5)
