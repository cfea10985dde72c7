# Hostile: a program that submits itself again through the API, from the inside, so that one request
# would turn into an endless chain of runs: POST /api/v1/executions with its own source to gateway:5000,
# to 127.0.0.1:5000 (the executor's own loopback), and to every address on stdin (the harness lists the
# containers of the gateway, Redis and the worker, and the host's own addresses with the port the gateway
# is published on). The gateway is on a network the executors are not on, and the host has no address on
# theirs: every attempt must fail. (Names go to the container's DNS directly, two seconds at most: the C
# library's resolver retries for ten.)
# expect: ok
# stdout: RESUBMIT BLOCKED
# stdin: targets
# scope: stack
import http.client
import json
import socket
import struct
import sys
import threading


def lookup(name):
    """An A record the container's resolver gives for `name` within 2 s, if any."""
    with open("/etc/resolv.conf") as conf:
        server = next(line.split()[1] for line in conf if line.startswith("nameserver"))
    labels = b"".join(bytes([len(part)]) + part.encode() for part in name.split("."))
    query = struct.pack(">HHHHHH", 0x4B1D, 0x0100, 1, 0, 0, 0) + labels + b"\0" + struct.pack(">HH", 1, 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        udp.settimeout(2)
        udp.sendto(query, (server, 53))
        try:
            reply = udp.recv(4096)
        except TimeoutError:
            return None
    # A reply to one A query ends with the address of its last answer.
    return socket.inet_ntoa(reply[-4:]) if struct.unpack(">H", reply[6:8])[0] else None


targets = [("gateway", "gateway", 5000), ("loopback", "127.0.0.1", 5000)]
for line in sys.stdin.read().splitlines():
    name, host, port = line.split()
    targets.append((name, host, int(port)))
with open(__file__) as source:
    body = json.dumps({"language": "python", "code": source.read()})
leaks = []


def resubmit(name, host, port):
    address = host if host[0].isdigit() else lookup(host)
    if address is None:
        print(f"blocked {name} {host}:{port}: does not resolve", flush=True)
        return
    connection = http.client.HTTPConnection(address, port, timeout=2)
    try:
        headers = {"content-type": "application/json"}
        connection.request("POST", "/api/v1/executions?wait=false", body, headers)
        leaks.append(f"{name} {host}:{port} answered {connection.getresponse().status}")
    except OSError as err:
        print(f"blocked {name} {host}:{port} ({address}): {err}", flush=True)
    finally:
        connection.close()


# Small stacks: the address-space limit (the run's memory) counts each thread's default 8 MB stack.
threading.stack_size(256 * 1024)
threads = [threading.Thread(target=resubmit, args=target) for target in targets]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(f"LEAKED: {leaks}" if leaks else f"RESUBMIT BLOCKED: {len(targets)} attempts failed")
