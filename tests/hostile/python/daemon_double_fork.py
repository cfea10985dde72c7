# Hostile: a daemon that tries to outlive its run: fork, setsid, fork again (the classic double fork), so
# the grandchild is in a session of its own and no child of the program. It ignores SIGTERM, SIGHUP and
# SIGINT, keeps a TCP listener on 127.0.0.1:40101 and rewrites a marker in /tmp every 50 ms. The program
# exits at once with status ok; the next run must find neither the listener nor the marker.
# expect: ok
# stdout: DAEMON_STARTED
# gone: /tmp/kiln-daemon-python tcp:40101
import os
import signal
import socket
import time

ready_read, ready_write = os.pipe()
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
            signal.signal(sig, signal.SIG_IGN)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 40101))
        listener.listen()
        listener.setblocking(False)
        os.write(ready_write, b"up")
        null = os.open("/dev/null", os.O_RDWR)
        for fd in (0, 1, 2):
            os.dup2(null, fd)
        while True:
            with open("/tmp/kiln-daemon-python", "w") as marker:
                marker.write(str(os.getpid()))
            try:
                listener.accept()[0].close()
            except BlockingIOError:
                pass
            time.sleep(0.05)
    os._exit(0)
os.close(ready_write)
os.wait()
if os.read(ready_read, 2) == b"up":
    print("DAEMON_STARTED")
