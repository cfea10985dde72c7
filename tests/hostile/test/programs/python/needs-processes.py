# An ordinary program that needs a thread and a child process, as many real programs do.
import subprocess
import threading

results = []
worker = threading.Thread(target=lambda: results.append(sum(range(1000))))
worker.start()
worker.join()
child = subprocess.run(["echo", "child"], capture_output=True, text=True, check=True)
print(f"fine: {results[0]} {child.stdout.strip()}")
