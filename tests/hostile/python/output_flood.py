# Hostile: an output flood. Writes 64 KiB lines to stdout for ever; the agent must cut it at the output
# cap, kill it and keep what came.
# expect: output_limit_exceeded
import sys

line = "x" * 65535 + "\n"
while True:
    sys.stdout.write(line)
