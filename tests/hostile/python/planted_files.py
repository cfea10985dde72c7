# Hostile: leaves files for the next run in every writable place (/tmp, $HOME, /dev/shm), in forms that
# are awkward to remove: a hidden file, a name with a newline, a deep tree whose directories are made
# unreadable and unwritable (0000), a FIFO, and a symlink to /etc/passwd (cleanup must remove the link and
# never follow it). The next run must find all three places empty.
# expect: ok
# stdout: PLANTED
# gone: /tmp/kiln-planted /tmp/.kiln-hidden /tmp/kiln-tree /tmp/kiln-fifo /tmp/kiln-link /dev/shm/kiln-planted
import os

home = os.environ["HOME"]
for base in ("/tmp", home, "/dev/shm"):
    with open(f"{base}/kiln-planted", "w") as planted:
        planted.write("for the next run\n")
    with open(f"{base}/.kiln-hidden", "w") as hidden:
        hidden.write("hidden\n")
    with open(f"{base}/kiln-new\nline", "w") as odd:
        odd.write("odd name\n")
    tree = f"{base}/kiln-tree"
    os.makedirs(f"{tree}/a/b/c")
    with open(f"{tree}/a/b/c/deep", "w") as deep:
        deep.write("deep\n")
    for path in (f"{tree}/a/b/c", f"{tree}/a/b", f"{tree}/a", tree):
        os.chmod(path, 0)
    os.mkfifo(f"{base}/kiln-fifo")
    os.symlink("/etc/passwd", f"{base}/kiln-link")
print("PLANTED")
