# Fidelity: a program that kills itself with SIGKILL. A bare process dies of signal 9 and nothing more;
# with no sign of memory (no memory error, no peak near the limit, no OOM kill) it is a runtime error
# with signal SIGKILL, never a memory limit.
# expect: runtime_error
import os
import signal

print("about to die", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
