# Hostile: writes one file past the per-file size limit (RLIMIT_FSIZE, 16 MB) in the work dir, which has
# room for it (a 64 MB tmpfs). Python ignores SIGXFSZ, so the write past the limit fails with EFBIG; the
# file must stop at 16 MB.
# expect: ok
# stdout: BLOCKED
import os

chunk = b"k" * (1024 * 1024)
path = f"{os.environ['HOME']}/kiln-big"
written = 0
try:
    with open(path, "wb", buffering=0) as file:
        while written < 24 * 1024 * 1024:
            written += file.write(chunk)
    print(f"LEAKED: wrote {written} bytes into one file")
except OSError as err:
    size = os.path.getsize(path)
    print(f"BLOCKED at {size} bytes: {err.strerror}" if size <= 16 * 1024 * 1024 else f"LEAKED: {size} bytes")
