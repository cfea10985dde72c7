# Hostile: goes after the executor token and the agent's secrets: the token file, the environment, memory
# map, open files and working directory of the agent and of pid 1, the compile cache, and its own
# environment (which must hold nothing of the agent's). The harness also checks that the token itself
# appears nowhere in the output.
# expect: ok
# stdout: BLOCKED
import os


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
    return sorted(found)


leaks = []
tried = 0


def must_fail(what, action):
    global tried
    tried += 1
    try:
        value = action()
    except OSError:
        return
    leaks.append(f"{what}: {str(value)[:200]}")


def read(path):
    with open(path, "rb") as file:
        return file.read()


must_fail("token", lambda: read("/run/secrets/executor_token"))
must_fail("cache", lambda: os.listdir("/run/kiln"))
must_fail("cache", lambda: os.listdir("/run/kiln/cache"))
pids = agent_pids()
if not pids:
    leaks.append("no agent found to attack")
for pid in pids:
    for part in ("environ", "maps", "mem", "stack", "syscall", "auxv"):
        must_fail(f"{pid} {part}", lambda: read(f"/proc/{pid}/{part}"))
    must_fail(f"{pid} fds", lambda: os.listdir(f"/proc/{pid}/fd"))
    must_fail(f"{pid} cwd", lambda: os.listdir(f"/proc/{pid}/cwd"))
    must_fail(f"{pid} root", lambda: os.listdir(f"/proc/{pid}/root/run/secrets"))
    must_fail(f"{pid} token via fd", lambda: [read(f"/proc/{pid}/fd/{fd}") for fd in range(3, 32)])
suspicious = [name for name in os.environ if any(word in name.upper() for word in ("KILN", "TOKEN", "SECRET", "NODE"))]
if suspicious:
    leaks.append(f"environment holds {suspicious}")
print(f"LEAKED: {leaks}" if leaks else f"BLOCKED: {tried} attempts refused")
