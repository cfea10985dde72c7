# Hostile: a listener left for the next run without daemon tricks: a plain child (same session, same
# process group) inherits a TCP listener on 127.0.0.1:40201, a bound UDP socket on 40201 and an abstract
# unix socket, and sleeps; the program itself exits at once. The next run must find no listener.
# expect: ok
# stdout: LISTENING
# gone: tcp:40201
import os
import socket
import time

tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
tcp.bind(("127.0.0.1", 40201))
tcp.listen()
udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
udp.bind(("127.0.0.1", 40201))
unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
unix.bind("\0kiln-hostile-listener")
unix.listen()
if os.fork() == 0:
    null = os.open("/dev/null", os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    time.sleep(600)
    os._exit(0)
print("LISTENING")
