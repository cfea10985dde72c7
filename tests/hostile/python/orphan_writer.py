# Hostile: the program exits at once but leaves a child that holds its stdout and stderr open and keeps
# writing, so the run's pipes never close by themselves. The agent must end the run when the program's
# own process ends, promptly, with only what came before.
# expect: ok
# stdout: PARENT_DONE
# max-time-ms: 3000
import os
import time

print("PARENT_DONE", flush=True)
if os.fork() == 0:
    time.sleep(0.5)
    while True:
        os.write(1, b"orphan output\n")
        time.sleep(0.01)
