# Hostile: every kind of entry a run can leave, under names a cleanup that reads names as text gets wrong:
# invalid UTF-8 (which came back altered, so lstat said "not there" and the file survived for the next
# run to read), a newline, a leading dash, 255 bytes; a FIFO, a unix socket, a hard link, symlinks (to
# /etc/passwd, to nowhere, to a dir), and a directory with its permissions removed that still holds files.
# In /tmp, /dev/shm and the work dir. The next run in the slot must find none of it.
# expect: ok
# stdout: PLANTED
import os
import socket

names = [b"\xff\xfe-not-utf8", b"new\nline", b"-rf", b"x" * 255, b"caf\xe9", b"\x01\x7f"]
for base in (b"/tmp", b"/dev/shm", os.environb[b"HOME"]):
    root = base + b"/kiln-odd-" + str(os.getpid()).encode()
    os.mkdir(root)
    for name in names:
        with open(root + b"/" + name, "wb") as file:
            file.write(b"secret of the previous run\n")
        with open(base + b"/" + name[:200] + b"-top", "wb") as file:
            file.write(b"secret of the previous run\n")
    os.mkfifo(root + b"/fifo")
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(root + b"/socket")
    os.link(root + b"/-rf", root + b"/hard-link")
    os.symlink(b"/etc/passwd", root + b"/to-passwd")
    os.symlink(b"/nonexistent/\xff", root + b"/dangling\xff")
    os.symlink(root, root + b"/to-self")
    locked = root + b"/locked\xff"
    os.mkdir(locked)
    with open(locked + b"/inside", "wb") as file:
        file.write(b"hidden\n")
    os.chmod(locked, 0)
    os.chmod(root, 0)
print("PLANTED")
