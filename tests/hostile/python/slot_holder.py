# Not an attack: the victim of slot_snoop. Keeps the secret from stdin in its HOME (made world-readable:
# the 0700 work dir alone must protect it), in /tmp and in /dev/shm, sleeps 2 s while the snoop runs in
# another slot, then checks that nothing was read-protected away or changed.
# expect: ok
# stdout: SECRET_INTACT
# role: holder
import os
import sys
import time

secret = sys.stdin.read().strip()
home = os.environ["HOME"]
places = [f"{home}/secret.txt", f"/tmp/secret-{os.getuid()}", f"/dev/shm/secret-{os.getuid()}"]
for path in places:
    with open(path, "w") as file:
        file.write(secret)
os.chmod(places[0], 0o644)
print("HOLDING", flush=True)
time.sleep(2)
intact = all(open(path).read() == secret for path in places)
print("SECRET_INTACT" if intact else "SECRET_CHANGED")
