# Hostile: tries to reach what an executor must never reach. The executors' network is `internal` (no way
# out) and shared with the worker only; Redis and the gateway sit on another network; the host must not be
# reachable either (a host service bound to 0.0.0.0 would otherwise be one connect away). It asks the
# container's DNS for redis, gateway and an outside name (none may resolve), and connects, two seconds at
# most each, to Redis and the gateway by name, to the worker's health port, to the internet, to its
# default gateway, and to every address on stdin (the harness lists the containers of Redis, the gateway
# and the worker, and the host's own addresses with the gateway's published port and a port the harness
# listens on). Every connection must fail.
# expect: ok
# stdout: NETWORK BLOCKED
# stdin: targets
# scope: stack
import selectors
import socket
import struct
import sys
import time


def lookup(names):
    """The A records the container's resolver gives for each name, all asked at once, 2 s for the answers."""
    with open("/etc/resolv.conf") as conf:
        server = next(line.split()[1] for line in conf if line.startswith("nameserver"))
    found = {name: [] for name in names}
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
        for ident, name in enumerate(names):
            labels = b"".join(bytes([len(part)]) + part.encode() for part in name.split("."))
            header = struct.pack(">HHHHHH", ident, 0x0100, 1, 0, 0, 0)
            udp.sendto(header + labels + b"\0" + struct.pack(">HH", 1, 1), (server, 53))
        deadline = time.monotonic() + 2
        while (left := deadline - time.monotonic()) > 0:
            udp.settimeout(left)
            try:
                reply = udp.recv(4096)
            except TimeoutError:
                break
            ident, count = struct.unpack(">H", reply[:2])[0], struct.unpack(">H", reply[6:8])[0]
            at = reply.index(b"\0", 12) + 5  # past the question
            for _ in range(count):
                at += 2 if reply[at] & 0xC0 else reply.index(b"\0", at) + 1 - at
                kind, _, _, length = struct.unpack(">HHIH", reply[at : at + 10])
                if kind == 1 and ident < len(names):
                    found[names[ident]].append(socket.inet_ntoa(reply[at + 10 : at + 14]))
                at += 10 + length
    return found


leaks = []
resolved = lookup(["redis", "gateway", "worker", "example.com"])
for name in ("redis", "gateway", "example.com"):
    print(f"dns {name}: {resolved[name] or 'no answer'}")
    if resolved[name]:
        leaks.append(f"{name} resolves to {resolved[name]}")

targets = [("redis", "redis", 6379), ("gateway", "gateway", 5000), ("worker-health", "worker", 8081)]
targets += [("internet", "1.1.1.1", 443), ("internet", "8.8.8.8", 53), ("internet", "9.9.9.9", 443)]
with open("/proc/net/route") as routes:
    for row in list(routes)[1:]:
        cells = row.split()
        if cells[1] == "00000000":
            gateway = socket.inet_ntoa(struct.pack("<I", int(cells[2], 16)))
            targets += [("default-gateway", gateway, port) for port in (22, 53, 80, 443, 2375, 5000, 6379)]
for line in sys.stdin.read().splitlines():
    name, host, port = line.split()
    targets.append((name, host, int(port)))


def attempt(batch):
    """Connect to every target of the batch at once, non-blocking; two seconds for any to complete."""
    selector = selectors.DefaultSelector()
    for name, host, port in batch:
        addresses = [host] if host[0].isdigit() else resolved[host]
        if not addresses:
            print(f"blocked {name} {host}:{port}: does not resolve")
        for address in addresses:
            sock = socket.socket()
            sock.setblocking(False)
            error = sock.connect_ex((address, port))
            if error in (0, 115):  # connected, or EINPROGRESS
                selector.register(sock, selectors.EVENT_WRITE, f"{name} {host}:{port} ({address})")
            else:
                print(f"blocked {name} {host}:{port}: errno {error}")
                sock.close()
    deadline = time.monotonic() + 2
    while selector.get_map() and (left := deadline - time.monotonic()) > 0:
        for key, _ in selector.select(timeout=left):
            error = key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            if error == 0:
                leaks.append(f"connected to {key.data}")
            else:
                print(f"blocked {key.data}: errno {error}")
            selector.unregister(key.fileobj)
            key.fileobj.close()
    for key in list(selector.get_map().values()):
        print(f"blocked {key.data}: no answer in 2 s")
        key.fileobj.close()
    selector.close()


for start in range(0, len(targets), 32):  # under the limit of 64 open files
    attempt(targets[start : start + 32])
print(f"LEAKED: {leaks}" if leaks else f"NETWORK BLOCKED: {len(targets)} connections and 3 lookups failed")
