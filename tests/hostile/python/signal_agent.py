# Hostile: signals the agent to death. Sends SIGKILL to every process whose command line holds
# dist/main.js (the agent and the container's init), to pid 1 and to its own parent (the root sandbox
# helper), then kill(-1, SIGKILL), which reaches every process the caller may signal. Each direct kill
# must fail with EPERM, and every target must still be alive afterwards (kill(-1) reports success even
# when it reached nobody, so only the survivors tell).
# expect: ok
# stdout: BLOCKED
import os
import signal


def agent_pids():
    found = set()
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/cmdline", "rb") as cmdline:
                    if b"dist/main.js" in cmdline.read():
                        found.add(int(name))
            except OSError:
                pass
    return found


targets = sorted(agent_pids() | {1, os.getppid()})
delivered = []
for pid in targets:
    try:
        os.kill(pid, signal.SIGKILL)
        delivered.append(pid)
    except PermissionError:
        pass
try:
    os.kill(-1, signal.SIGKILL)
except ProcessLookupError:
    pass
for pid in targets:
    try:
        os.kill(pid, 0)
    except PermissionError:
        continue  # alive, and root's
    except ProcessLookupError:
        delivered.append(f"{pid} is gone")
print(f"LEAKED: SIGKILL delivered to {delivered}" if delivered else f"BLOCKED: {targets} refused and alive")
