# Hostile: a thread bomb. Starts sleeping threads until the interpreter cannot start another; RLIMIT_NPROC
# (64, counted in threads) or the address-space limit must stop it well before the container's pids limit.
# expect: ok
# stdout: BLOCKED
import threading
import time

started = 0
try:
    while started < 10_000:
        threading.Thread(target=time.sleep, args=(600,), daemon=True).start()
        started += 1
except RuntimeError as err:
    print(f"BLOCKED after {started} threads: {err}")
if started >= 64:
    print(f"LEAKED: {started} threads, past the process limit of 64")
