// Hostile: a listener left for the next run without daemon tricks: the program hands its TCP listener
// on 127.0.0.1:40202 to a plain child (child_process.fork, same session) over IPC, and also binds UDP
// 40202; the child keeps both and the program exits at once. The next run must find no listener.
// expect: ok
// stdout: LISTENING
// gone: tcp:40202
const { fork } = require('node:child_process');
const net = require('node:net');

if (process.argv[2] === 'child') {
  require('node:dgram').createSocket('udp4').bind(40202, '127.0.0.1');
  process.on('message', (_message, server) => {
    server.on('connection', (socket) => socket.end());
    process.send('holding');
    process.disconnect();
  });
} else {
  const server = net.createServer().listen(40202, '127.0.0.1', () => {
    const child = fork(__filename, ['child'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    child.send('take it', server, () => server.close());
    child.on('message', () => {
      console.log('LISTENING');
      process.exit(0);
    });
  });
}
