// Hostile: tries to reach what an executor must never reach. The executors' network is `internal` (no way
// out) and shared with the worker only; Redis and the gateway sit on another network; the host must not be
// reachable either (a host service bound to 0.0.0.0 would otherwise be one connect away). It asks the
// container's DNS for redis, gateway and an outside name (none may resolve), and connects, two seconds at
// most each, to Redis and the gateway by name, to the worker's health port, to the internet, to its
// default gateway, and to every address on stdin (the harness lists the containers of Redis, the gateway
// and the worker, and the host's own addresses with the gateway's published port and a port the harness
// listens on). Every connection must fail.
// expect: ok
// stdout: NETWORK BLOCKED
// stdin: targets
// scope: stack
const dgram = require('node:dgram');
const fs = require('node:fs');
const net = require('node:net');

/** The A records the container's resolver gives for `name` within 2 s. */
function lookup(name) {
  const server = /^nameserver\s+(\S+)/m.exec(fs.readFileSync('/etc/resolv.conf', 'utf8'))[1];
  const labels = Buffer.concat(
    name.split('.').map((part) => Buffer.concat([Buffer.from([part.length]), Buffer.from(part)])),
  );
  const query = Buffer.concat([
    Buffer.from([0x4b, 0x1d, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]),
    labels,
    Buffer.from([0, 0, 1, 0, 1]),
  ]);
  return new Promise((resolve) => {
    const udp = dgram.createSocket('udp4');
    const done = (found) => {
      clearTimeout(timer);
      udp.close();
      resolve(found);
    };
    const timer = setTimeout(() => done([]), 2000);
    udp.on('error', () => done([]));
    udp.on('message', (reply) => {
      const found = [];
      let at = 12 + labels.length + 5;
      for (let i = 0; i < reply.readUInt16BE(6); i++) {
        at += reply[at] & 0xc0 ? 2 : reply.indexOf(0, at) + 1 - at;
        const kind = reply.readUInt16BE(at);
        const length = reply.readUInt16BE(at + 8);
        if (kind === 1) found.push([...reply.subarray(at + 10, at + 14)].join('.'));
        at += 10 + length;
      }
      done(found);
    });
    udp.send(query, 53, server);
  });
}

/** Whether a TCP connection to host:port is accepted within 2 s. */
function connects(host, port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (outcome) => {
      socket.destroy();
      resolve(outcome);
    };
    socket.setTimeout(2000, () => done('no answer in 2 s'));
    socket.on('connect', () => done('connected'));
    socket.on('error', (err) => done(err.code));
  });
}

async function main() {
  const leaks = [];
  const names = ['redis', 'gateway', 'worker', 'example.com'];
  const resolved = Object.fromEntries(
    await Promise.all(names.map(async (name) => [name, await lookup(name)])),
  );
  for (const name of ['redis', 'gateway', 'example.com']) {
    console.log(`dns ${name}: ${resolved[name].join(', ') || 'no answer'}`);
    if (resolved[name].length > 0) leaks.push(`${name} resolves to ${resolved[name]}`);
  }
  const targets = [
    ['redis', 'redis', 6379],
    ['gateway', 'gateway', 5000],
    ['worker-health', 'worker', 8081],
    ['internet', '1.1.1.1', 443],
    ['internet', '8.8.8.8', 53],
    ['internet', '9.9.9.9', 443],
  ];
  for (const row of fs.readFileSync('/proc/net/route', 'utf8').split('\n').slice(1)) {
    const cells = row.split(/\s+/);
    if (cells[1] !== '00000000') continue;
    const gateway = Buffer.from(cells[2], 'hex').reverse().join('.');
    for (const port of [22, 53, 80, 443, 2375, 5000, 6379]) targets.push(['default-gateway', gateway, port]);
  }
  for (const line of fs.readFileSync(0, 'utf8').split('\n').filter(Boolean)) {
    const [name, host, port] = line.split(' ');
    targets.push([name, host, Number(port)]);
  }
  // In batches, under the limit of 64 open files.
  for (let start = 0; start < targets.length; start += 32) {
    await Promise.all(
      targets.slice(start, start + 32).map(async ([name, host, port]) => {
        const addresses = /^\d/.test(host) ? [host] : resolved[host];
        if (addresses.length === 0) console.log(`blocked ${name} ${host}:${port}: does not resolve`);
        for (const address of addresses) {
          const outcome = await connects(address, port);
          if (outcome === 'connected') leaks.push(`connected to ${name} ${host}:${port} (${address})`);
          else console.log(`blocked ${name} ${host}:${port} (${address}): ${outcome}`);
        }
      }),
    );
  }
  console.log(
    leaks.length > 0
      ? `LEAKED: ${leaks.join('; ')}`
      : `NETWORK BLOCKED: ${targets.length} connections and 3 lookups failed`,
  );
}

main();
