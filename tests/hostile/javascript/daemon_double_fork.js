// Hostile: a daemon that tries to outlive its run: a detached child (setsid) starts another detached
// grandchild and exits, so the grandchild is in a session of its own and no child of the program. It
// ignores SIGTERM, SIGHUP and SIGINT, listens on 127.0.0.1:40102 and rewrites a marker in /tmp every
// 50 ms. The program exits as soon as the daemon answers; the next run must find neither.
// expect: ok
// stdout: DAEMON_STARTED
// gone: /tmp/kiln-daemon-javascript tcp:40102
const { spawn } = require('node:child_process');
const net = require('node:net');

const daemon = `
  for (const signal of ['SIGTERM', 'SIGHUP', 'SIGINT']) process.on(signal, () => {});
  require('node:net').createServer((socket) => socket.end()).listen(40102, '127.0.0.1');
  setInterval(() => require('node:fs').writeFileSync('/tmp/kiln-daemon-javascript', String(process.pid)), 50);
`;
const middle = `
  require('node:child_process')
    .spawn(process.execPath, ['-e', ${JSON.stringify(daemon)}], { detached: true, stdio: 'ignore' })
    .unref();
`;
spawn(process.execPath, ['-e', middle], { detached: true, stdio: 'ignore' }).unref();

const probe = () => {
  const socket = net.connect(40102, '127.0.0.1');
  socket.on('connect', () => {
    console.log('DAEMON_STARTED');
    process.exit(0);
  });
  socket.on('error', () => setTimeout(probe, 50));
};
probe();
