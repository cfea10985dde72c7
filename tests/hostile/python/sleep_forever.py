# Hostile: sleeps for ever without using any CPU, so only the agent's wall clock can end it.
# expect: time_limit_exceeded
# limits: {"timeMs": 2000}
# max-time-ms: 5000
import time

time.sleep(3600)
