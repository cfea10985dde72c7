// Hostile: the agent's WebSocket port shares the program's network namespace. Asks for a link with no
// token, a wrong one and other header spellings, through Node's own WebSocket client and raw HTTP; the
// agent must never send its hello (which would let the program run code or cancel other runs).
// expect: ok
// stdout: BLOCKED
const net = require('node:net');

const headers = [
  '',
  'Authorization: Bearer wrong-token\r\n',
  'Authorization: Bearer \r\n',
  `authorization: bearer ${'0'.repeat(64)}\r\n`,
  'Authorization: Basic a2lsbjpraWxu\r\n',
];
const raw = (header) =>
  new Promise((resolve) => {
    let received = '';
    const socket = net.connect(8765, '127.0.0.1', () => {
      socket.write(
        'GET / HTTP/1.1\r\nHost: 127.0.0.1:8765\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n${header}\r\n`,
      );
    });
    socket.setTimeout(1500, () => socket.destroy());
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      // The agent closes the link with a close frame (0x88): no need to wait for the TCP close.
      if (received.includes('\x88')) socket.destroy();
    });
    socket.on('close', () => resolve(received));
    socket.on('error', () => resolve(received));
  });
const viaWebSocket = () =>
  new Promise((resolve) => {
    const messages = [];
    const ws = new WebSocket('ws://127.0.0.1:8765');
    ws.onmessage = (event) => messages.push(String(event.data));
    ws.onclose = () => resolve(messages.join('\n'));
    ws.onerror = () => {};
    setTimeout(() => {
      ws.close();
      resolve(messages.join('\n'));
    }, 1500);
  });

(async () => {
  const leaks = [];
  const answers = await Promise.all(headers.map(raw));
  headers.forEach((header, index) => {
    const received = answers[index];
    if (/hello|"type"/.test(received)) leaks.push(`${header.trim() || 'no token'}: ${received.slice(0, 200)}`);
  });
  const messages = await viaWebSocket();
  if (messages.includes('hello')) leaks.push(`WebSocket without token: ${messages.slice(0, 200)}`);
  console.log(leaks.length > 0 ? `LEAKED: ${leaks.join('; ')}` : `BLOCKED: ${headers.length + 1} links refused`);
  process.exit(0);
})();
