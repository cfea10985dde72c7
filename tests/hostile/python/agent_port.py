# Hostile: the agent's WebSocket port shares the program's network namespace. Connects to 127.0.0.1:8765
# and asks for a link with no token, a wrong one, and a guessed one in other header spellings; the agent
# must never send its hello (which would let the program run code as another slot or cancel other runs).
# expect: ok
# stdout: BLOCKED
import socket

attempts = [
    "",
    "Authorization: Bearer wrong-token\r\n",
    "Authorization: Bearer \r\n",
    "authorization: bearer 0000000000000000000000000000000000000000000000000000000000000000\r\n",
    "Authorization: Basic a2lsbjpraWxu\r\n",
]
leaks = []
answered = 0
for header in attempts:
    connection = socket.create_connection(("127.0.0.1", 8765), timeout=1.5)
    connection.sendall(
        (
            "GET / HTTP/1.1\r\nHost: 127.0.0.1:8765\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + header + "\r\n"
        ).encode()
    )
    received = b""
    try:
        # Until the agent closes the link (a close frame, 0x88) or goes quiet.
        while b"\x88" not in received and (chunk := connection.recv(65536)):
            received += chunk
    except TimeoutError:
        pass
    connection.close()
    answered += 1 if received else 0
    if b"hello" in received or b'"type"' in received:
        leaks.append(f"{header.strip() or 'no token'}: {received[:200]!r}")
print(f"LEAKED: {leaks}" if leaks else f"BLOCKED: {answered} of {len(attempts)} refused")
