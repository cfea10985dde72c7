# One of three runs at once: keeps its stdin in HOME and /tmp, waits 1.5 s while the others do the same,
# then checks both copies are still its own.
import os
import sys
import time

mine = sys.stdin.read().strip()
places = [os.environ["HOME"] + "/mine.txt", f"/tmp/mine-{os.getuid()}"]
for path in places:
    with open(path, "w") as file:
        file.write(mine)
time.sleep(1.5)
intact = all(open(path).read() == mine for path in places)
print(f"{mine} uid={os.getuid()} {'intact' if intact else 'CHANGED'}")
