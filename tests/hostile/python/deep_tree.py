# Hostile: a directory tree 1,000 levels deep in /tmp, in /dev/shm and in its work dir, made by going down
# one relative name at a time. Its full path is far beyond PATH_MAX: a cleanup that builds paths fails
# with ENAMETOOLONG on it, calls the slot dirty, and the executor restarts (any user could take a replica
# down with this). Cleanup walks by directory descriptor, so the tree goes and the executor stays.
# expect: ok
# stdout: DEEP 3000
import os

made = 0
for base in ("/tmp", "/dev/shm", os.environ["HOME"]):
    os.chdir(base)
    os.mkdir("kiln-deep")
    os.chdir("kiln-deep")
    for _ in range(1000):
        os.mkdir("d" * 200)
        os.chdir("d" * 200)
        made += 1
print(f"DEEP {made}")
