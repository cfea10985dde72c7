# The run after every attack, in the same slot: is the container back to its baseline, from the inside?
# stdin: lines "path <p>" and "port <n>" named by the attack, and "warm <command line prefix>": a warm start
# in another slot (its interpreter waiting, or the helper starting it), the one process of another uid
# that may be there.
# Prints a greeting, then CLEAN or DIRTY lines.
import os
import sys
import time

request = {"path": [], "port": [], "warm": []}
for line in sys.stdin.read().splitlines():
    kind, _, value = line.partition(" ")
    request[kind].append(value)
problems = []
me = os.getpid()

def foreign(name):
    """What is wrong with process `name`, or None: gone, root's, a zombie, ours-to-allow (a warm start)."""
    try:
        with open(f"/proc/{name}/status") as status:
            lines = status.read().splitlines()
        uids = next(line for line in lines if line.startswith("Uid:")).split()[1:]
        state = next(line for line in lines if line.startswith("State:")).split()[1]
    except (OSError, StopIteration):
        return None
    if state in ("Z", "X"):
        return None  # a zombie holds nothing but its pid, until its parent reaps it
    if all(uid == "0" for uid in uids):
        return None
    try:
        with open(f"/proc/{name}/cmdline", "rb") as cmdline:
            command = cmdline.read().rstrip(b"\0").replace(b"\0", b" ").decode("utf8", "replace")
    except OSError:
        command = ""
    if str(os.getuid()) in uids or not any(command.startswith(warm) for warm in request["warm"]):
        return f"foreign process {name} uids={'/'.join(uids)} state={state} command={command[:80]!r}", command
    return None


for name in os.listdir("/proc"):
    if not name.isdigit() or int(name) == me:
        continue
    found = foreign(name)
    # An empty command line is a process between two programs (inside execve, or exiting): a warm start
    # in another slot passes through it. Look again, for up to a second, before calling it foreign.
    for _ in range(50):
        if found is None or found[1] != "":
            break
        time.sleep(0.02)
        found = foreign(name)
    if found is not None:
        problems.append(found[0])

for scratch in ("/tmp", "/dev/shm", "/dev/mqueue"):
    left = os.listdir(scratch)
    if left:
        problems.append(f"{scratch} not empty: {sorted(left)}")

home = sorted(os.listdir(os.environ["HOME"]))
if home != ["main.py"]:
    problems.append(f"HOME holds {home}")

listening = set()
for table in ("/proc/net/tcp", "/proc/net/tcp6"):
    with open(table) as rows:
        for row in list(rows)[1:]:
            cells = row.split()
            if cells[3] == "0A":
                listening.add(int(cells[1].rsplit(":", 1)[1], 16))
for port in sorted(listening - {8765}):
    problems.append(f"port {port} is listening")
for port in request["port"]:
    if int(port) in listening:
        problems.append(f"the attack's port {port} is still listening")

for table in ("/proc/net/udp", "/proc/net/udp6"):
    with open(table) as rows:
        for row in list(rows)[1:]:
            problems.append(f"udp port {int(row.split()[1].rsplit(':', 1)[1], 16)} is bound")

with open("/proc/net/unix") as rows:
    bound = [row.split()[7] for row in list(rows)[1:] if len(row.split()) > 7]
if bound:
    problems.append(f"unix sockets bound: {bound}")

for kind in ("shm", "msg", "sem"):
    with open(f"/proc/sysvipc/{kind}") as rows:
        if len(rows.read().strip().split("\n")) > 1:
            problems.append(f"SysV {kind} objects left")

for path in request["path"]:
    if os.path.lexists(path):
        problems.append(f"{path} still exists")

print("hello from the clean check")
print("\n".join(f"DIRTY {problem}" for problem in problems) if problems else "CLEAN")
