# Hostile: a memory bomb. Grabs 10 MB blocks and touches every page, for ever. RLIMIT_AS (the run's
# memory limit) must stop it inside the interpreter (MemoryError) long before the container runs short.
# expect: memory_limit_exceeded
blocks = []
while True:
    blocks.append(bytearray(10 * 1024 * 1024))
