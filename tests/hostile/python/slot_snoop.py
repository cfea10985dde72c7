# Hostile: runs while slot_holder sits in another slot and tries to reach its files: list /sandbox and
# every slot-N, open slot-N/secret.txt, go through the holder's /proc/<pid>/cwd, root, environ and fds,
# read what the holder left in /tmp and /dev/shm, and SIGKILL the holder. All must fail; the harness checks
# that the secret never shows up here and that the holder finished intact.
# expect: ok
# stdout: SAW_HOLDER
# stdout: BLOCKED
# role: snoop
import os
import signal
import time

me = os.getuid()
home = os.environ["HOME"]
leaks = []


def must_fail(what, action):
    try:
        value = action()
    except OSError:
        return
    leaks.append(f"{what}: {str(value)[:100]}")


def read(path):
    with open(path) as file:
        return file.read()


def others():
    found = []
    for name in os.listdir("/proc"):
        try:
            with open(f"/proc/{name}/status") as status:
                uid = int(next(line for line in status if line.startswith("Uid:")).split()[1])
        except (OSError, StopIteration, ValueError):
            continue
        if uid not in (0, me):
            found.append(int(name))
    return found


deadline = time.time() + 3
while not others() and time.time() < deadline:
    time.sleep(0.05)
holders = others()
if holders:
    print(f"SAW_HOLDER {holders}")
must_fail("list /sandbox", lambda: os.listdir("/sandbox"))
for slot in range(16):
    dir = f"/sandbox/slot-{slot}"
    if dir == home:
        continue
    must_fail(f"list {dir}", lambda: os.listdir(dir))
    must_fail(f"read {dir}/secret.txt", lambda: read(f"{dir}/secret.txt"))
for pid in holders:
    must_fail(f"{pid} cwd", lambda: read(f"/proc/{pid}/cwd/secret.txt"))
    must_fail(f"{pid} root", lambda: os.listdir(f"/proc/{pid}/root/"))
    must_fail(f"{pid} environ", lambda: read(f"/proc/{pid}/environ"))
    must_fail(f"{pid} fds", lambda: os.listdir(f"/proc/{pid}/fd"))
    must_fail(f"{pid} SIGKILL", lambda: os.kill(pid, signal.SIGKILL))
for scratch in ("/tmp", "/dev/shm"):
    for name in os.listdir(scratch):
        if os.lstat(f"{scratch}/{name}").st_uid != me:
            must_fail(f"read {scratch}/{name}", lambda: read(f"{scratch}/{name}"))
print(f"LEAKED: {leaks}" if leaks else "BLOCKED")
