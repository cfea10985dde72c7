# Hostile: fills the file systems with inodes, not bytes: empty files and directories, as fast as it can,
# in the work dir, /tmp and /dev/shm, until creation fails. An empty file costs no tmpfs pages, so the size
# limits do not see it, but each one pins about a kilobyte of kernel memory that the container is charged
# for and that no OOM kill frees: with the default inode count of a tmpfs (half the host's RAM pages), a
# few hundred thousand files take the whole container, and the kernel then kills the agent. Every tmpfs
# must have its own inode limit (nr_inodes) so that creation fails with ENOSPC long before that.
# Each run may hold only its share of a shared tmpfs's inodes (the limit divided by the slots plus
# one), so that the other slot can still create files: past it the guard ends the run.
# It runs beside a neighbour making files of its own (test/support/flood.ts), which must make all of them.
# Without a linear count (a count that reread each directory from where it was for every subdirectory took
# seconds) and without the run stopped while it is counted, the flood filled all three file systems first.
# role: flooder
# expect: runtime_error
# limits: {"timeMs": 15000}
import os

made = 0
for base in (os.environ["HOME"], "/tmp", "/dev/shm"):
    try:
        root = f"{base}/kiln-inodes"
        os.mkdir(root)
        for index in range(10_000_000):
            if index % 2:
                os.mkdir(f"{root}/d{index}")
            else:
                os.close(os.open(f"{root}/f{index}", os.O_CREAT | os.O_WRONLY, 0o600))
            made += 1
    except OSError as err:
        print(f"{base}: stopped: {err.strerror}", flush=True)
print(f"FILLED with {made} empty files and directories")
