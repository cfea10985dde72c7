# Hostile: leaves kernel objects that outlive every process: a SysV shared memory segment, message queue
# and semaphore set, and a POSIX message queue in /dev/mqueue. The next run must find none of them.
# expect: ok
# stdout: LEFT
# gone: /dev/mqueue/kiln-hostile
import ctypes
import os

IPC_PRIVATE = 0
IPC_CREAT = 0o1000
libc = ctypes.CDLL(None, use_errno=True)
libc.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p]
made = {
    "shm": libc.shmget(IPC_PRIVATE, 1024 * 1024, IPC_CREAT | 0o600),
    "msg": libc.msgget(IPC_PRIVATE, IPC_CREAT | 0o600),
    "sem": libc.semget(IPC_PRIVATE, 4, IPC_CREAT | 0o600),
    "mq": libc.mq_open(b"/kiln-hostile", os.O_CREAT | os.O_RDWR, 0o600, None),
}
failed = [kind for kind, id in made.items() if id < 0]
print(f"could not create {failed}: {os.strerror(ctypes.get_errno())}" if failed else f"LEFT {made}")
