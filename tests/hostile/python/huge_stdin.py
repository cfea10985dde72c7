# Hostile: a run with a mebibyte of stdin (the gateway's cap, KILN_MAX_STDIN_KB), sixteen times a pipe's
# buffer, so the agent must keep feeding the pipe as the program drains it. Reads it all and checks every
# 64-byte line (its own index, zero-padded): nothing may be lost, cut or reordered on the way.
# expect: ok
# stdin-kb: 1024
# stdout: READ 1048576 bytes, 16384 lines INTACT
import sys

data = sys.stdin.buffer.read()
lines = data.split(b"\n")[:-1]
broken = [i for i, line in enumerate(lines) if line != b"%063d" % i]
state = "INTACT" if not broken and data.endswith(b"\n") else f"BROKEN at line {broken[:3]}"
print(f"READ {len(data)} bytes, {len(lines)} lines {state}")
