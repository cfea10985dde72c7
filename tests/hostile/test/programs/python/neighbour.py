# The honest neighbour of a memory attack: takes most of its own limit (90 MB of 128), fills it with a
# pattern, holds it for a moment (so that it overlaps the attack in the other slot) and prints its digest.
import hashlib
import time

pattern = bytes(range(256)) * 4096  # 1 MB
block = bytearray(90 * len(pattern))
for index in range(90):
    block[index * len(pattern) : (index + 1) * len(pattern)] = pattern
time.sleep(0.8)
print("neighbour", len(block) >> 20, "MB", hashlib.sha256(block).hexdigest()[:16])
