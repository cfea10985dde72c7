# Hostile: an output flood on stderr, unbuffered, in small writes, so the cap on stderr (not only stdout)
# must hold.
# expect: output_limit_exceeded
import os

while True:
    os.write(2, b"error! " * 100)
