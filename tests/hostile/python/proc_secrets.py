# Hostile: hunts for the executor token and the Redis password through /proc and the file system: the
# command line and environment of every process (and of every thread) in the container, /proc/1/environ,
# everything under /run/secrets, the agent's open files (fd and fdinfo), and the descriptors this program
# inherited (only 0, 1 and 2 may be open: an inherited fd could be the agent's socket or token file). It
# prints everything it could read, so the harness, which knows both secrets, checks them against the
# output; it reports any 64-hex-digit string (the form of both secrets) itself as a leak.
# expect: ok
# stdout: BLOCKED
import os
import re

SECRET_LIKE = re.compile(rb"[0-9a-f]{64}")
leaks = []
refused = 0


def read(path):
    global refused
    try:
        with open(path, "rb") as file:
            data = file.read(65536)
    except OSError:
        refused += 1
        return None
    if SECRET_LIKE.search(data):
        leaks.append(f"{path} holds a 64-hex-digit string")
    return data


for pid in sorted((name for name in os.listdir("/proc") if name.isdigit()), key=int):
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        tasks = []
    for part in ("cmdline", "environ"):
        data = read(f"/proc/{pid}/{part}")
        if data is not None:
            print(f"read /proc/{pid}/{part}: {data.replace(bytes(1), b' ')[:300]!r}")
        for tid in tasks:
            if tid != pid:
                read(f"/proc/{pid}/task/{tid}/{part}")
    try:
        fds = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        refused += 1
        continue
    owner = os.stat(f"/proc/{pid}").st_uid
    if owner != os.getuid():
        leaks.append(f"listed the fds of pid {pid} (uid {owner})")
    for fd in fds:
        read(f"/proc/{pid}/fdinfo/{fd}")

read("/proc/1/environ")
try:
    for name in os.listdir("/run/secrets"):
        if read(f"/run/secrets/{name}") is not None:
            leaks.append(f"read /run/secrets/{name}")
except OSError:
    refused += 1

# The descriptors this process holds: 0, 1, 2, and the one listdir opens for the listing itself.
inherited = [fd for fd in map(int, os.listdir("/proc/self/fd")) if fd > 2]
for fd in inherited:
    try:
        target = os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        continue  # the listing's own descriptor, closed already
    leaks.append(f"inherited fd {fd} -> {target}")
for name, value in os.environ.items():
    if SECRET_LIKE.search(value.encode()) or re.search("KILN|TOKEN|SECRET|REDIS|PASSWORD", name, re.I):
        leaks.append(f"environment variable {name}")
print(f"LEAKED: {leaks}" if leaks else f"BLOCKED: {refused} reads refused, nothing secret in the rest")
