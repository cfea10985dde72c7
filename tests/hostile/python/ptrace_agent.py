# Hostile: attaches to the agent with ptrace (PTRACE_ATTACH and PTRACE_SEIZE through ctypes), and tries
# to read its memory through /proc/<pid>/mem and process_vm_readv. A tracer could read the token from the
# agent's heap or make it run anything as root: every attempt must fail.
# expect: ok
# stdout: BLOCKED
import ctypes
import os

PTRACE_ATTACH = 16
PTRACE_SEIZE = 0x4206
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
libc.ptrace.restype = ctypes.c_long


class IoVec(ctypes.Structure):
    _fields_ = [("base", ctypes.c_void_p), ("len", ctypes.c_size_t)]


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
refusals = []
for pid in agent_pids():
    for name, request in (("attach", PTRACE_ATTACH), ("seize", PTRACE_SEIZE)):
        if libc.ptrace(request, pid, None, None) == 0:
            leaks.append(f"ptrace {name} {pid}")
        else:
            refusals.append(f"{name} {pid}: {os.strerror(ctypes.get_errno())}")
    try:
        with open(f"/proc/{pid}/mem", "rb") as mem:
            leaks.append(f"/proc/{pid}/mem opened")
    except OSError as err:
        refusals.append(f"mem {pid}: {err.strerror}")
    buffer = ctypes.create_string_buffer(64)
    local = IoVec(ctypes.cast(buffer, ctypes.c_void_p), 64)
    remote = IoVec(0x400000, 64)
    if libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0) >= 0:
        leaks.append(f"process_vm_readv {pid}")
    elif ctypes.get_errno() != 1:  # EFAULT would mean the permission check passed
        leaks.append(f"process_vm_readv {pid}: {os.strerror(ctypes.get_errno())}")
if not refusals:
    leaks.append("no agent found to attack")
print(f"LEAKED: {leaks}" if leaks else f"BLOCKED: {refusals}")
