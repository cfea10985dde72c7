# The honest neighbour of a flood of files: makes 900 entries (empty files and directories, as the flood
# does) in each of its work dir, /tmp and /dev/shm, 30 at a time over about two seconds (so that it
# overlaps the flood in the other slot), then removes them. 900 is well within a run's share of each file
# system's inodes (a third of 16k, 8k and 4k). Prints MADE <entries>, or where creation first failed.
import os
import shutil
import time

roots = [f"{base}/neighbour-{os.getpid()}" for base in (os.environ["HOME"], "/tmp", "/dev/shm")]
for root in roots:
    os.mkdir(root)
made = 0
failed = {}
for step in range(30):
    for root in roots:
        for index in range(30):
            name = f"{root}/e{step}-{index}"
            try:
                if index % 2:
                    os.mkdir(name)
                else:
                    os.close(os.open(name, os.O_CREAT | os.O_WRONLY, 0o600))
                made += 1
            except OSError as err:
                failed.setdefault(root.rsplit("/", 1)[0], err.strerror)
    time.sleep(0.06)
for root in roots:
    shutil.rmtree(root)
for base, error in failed.items():
    print(f"FAILED in {base}: {error}")
print(f"MADE {made}")
