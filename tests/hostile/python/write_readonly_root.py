# Hostile: tries to change the image itself: new files in /etc, /usr and /opt, appending to /etc/passwd,
# overwriting the agent's code and the sandbox helper, chmod of a system file, a new slot directory in
# /sandbox, files in the compile cache and next to the token. Every write must fail (read-only root,
# root-owned directories).
# expect: ok
# stdout: BLOCKED
import os

leaks = []


def must_fail(what, action):
    try:
        action()
    except OSError:
        return
    leaks.append(what)


def write(path, mode="w"):
    with open(path, mode) as file:
        file.write("pwned\n")


must_fail("/etc new file", lambda: write("/etc/kiln-pwned"))
must_fail("/etc/passwd append", lambda: write("/etc/passwd", "a"))
must_fail("/usr/bin new file", lambda: write("/usr/bin/kiln-pwned"))
must_fail("/usr/local/bin new file", lambda: write("/usr/local/bin/python3"))
must_fail("agent code", lambda: write("/opt/kiln/agent/dist/main.js", "a"))
must_fail("sandbox helper", lambda: write("/usr/local/libexec/kiln-run", "a"))
must_fail("language table", lambda: write("/etc/kiln/language.json"))
must_fail("chmod /etc/shadow", lambda: os.chmod("/etc/shadow", 0o666))
must_fail("mkdir /sandbox/slot-9", lambda: os.mkdir("/sandbox/slot-9"))
must_fail("/sandbox new file", lambda: write("/sandbox/kiln-pwned"))
must_fail("/run/kiln new file", lambda: write("/run/kiln/cache/kiln-pwned"))
must_fail("/run/secrets new file", lambda: write("/run/secrets/kiln-pwned"))
must_fail("rename /etc/hosts", lambda: os.rename("/etc/hosts", "/etc/hosts.old"))
print(f"LEAKED: {leaks}" if leaks else "BLOCKED: every write refused")
