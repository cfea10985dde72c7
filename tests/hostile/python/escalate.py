# Hostile: tries to become root or gain capabilities: setuid(0), setgroups, a new user namespace
# (unshare), mount(2), chroot, and the image's setuid-root binaries (su, mount), which no-new-privileges
# must turn into plain programs. The program must end as it started: its own uid, no capabilities.
# expect: ok
# stdout: BLOCKED
import ctypes
import os
import subprocess

CLONE_NEWUSER = 0x10000000
CLONE_NEWNS = 0x00020000
libc = ctypes.CDLL(None, use_errno=True)
leaks = []
uid = os.getuid()


def must_fail(what, action):
    try:
        result = action()
    except OSError:
        return
    if result is None or result == 0:
        leaks.append(what)


must_fail("setuid(0)", lambda: os.setuid(0))
must_fail("setresuid(0)", lambda: os.setresuid(0, 0, 0))
must_fail("setgid(0)", lambda: os.setgid(0))
must_fail("setgroups([0])", lambda: os.setgroups([0]))
must_fail("unshare(user)", lambda: libc.unshare(CLONE_NEWUSER))
must_fail("unshare(mount)", lambda: libc.unshare(CLONE_NEWNS))
must_fail("mount", lambda: libc.mount(b"none", os.environ["HOME"].encode(), b"tmpfs", 0, None))
must_fail("chroot", lambda: os.chroot("/tmp"))
for argv in (["mount", "-t", "tmpfs", "none", "/mnt"], ["su", "-c", "id -u", "root"]):
    try:
        done = subprocess.run(argv, capture_output=True, timeout=5, stdin=subprocess.DEVNULL)
        if done.returncode == 0:
            leaks.append(f"{argv[0]} succeeded: {done.stdout!r}")
    except (OSError, subprocess.TimeoutExpired):
        pass
with open("/proc/self/status") as status:
    fields = dict(line.split(":", 1) for line in status if ":" in line)
if int(fields["CapEff"].strip(), 16) != 0 or int(fields["CapPrm"].strip(), 16) != 0:
    leaks.append(f"capabilities {fields['CapEff'].strip()}")
if fields["NoNewPrivs"].strip() != "1":
    leaks.append("no_new_privs is off")
if os.getuid() != uid or os.geteuid() != uid or os.getuid() == 0:
    leaks.append(f"uid changed to {os.getuid()}/{os.geteuid()}")
print(f"LEAKED: {leaks}" if leaks else f"BLOCKED: still uid {uid}, no capabilities")
