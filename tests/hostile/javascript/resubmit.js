// Hostile: a program that submits itself again through the API, from the inside, so that one request
// would turn into an endless chain of runs: POST /api/v1/executions with its own source to gateway:5000,
// to 127.0.0.1:5000 (the executor's own loopback), and to every address on stdin (the harness lists the
// containers of the gateway, Redis and the worker, and the host's own addresses with the port the gateway
// is published on). The gateway is on a network the executors are not on, and the host has no address on
// theirs: every attempt must fail. (Names go to the container's DNS directly, two seconds at most: the C
// library's resolver retries for ten.)
// expect: ok
// stdout: RESUBMIT BLOCKED
// stdin: targets
// scope: stack
const dgram = require('node:dgram');
const fs = require('node:fs');

/** An A record the container's resolver gives for `name` within 2 s, if any. */
function lookup(name) {
  const server = /^nameserver\s+(\S+)/m.exec(fs.readFileSync('/etc/resolv.conf', 'utf8'))[1];
  const labels = name.split('.').map((part) => Buffer.concat([Buffer.from([part.length]), Buffer.from(part)]));
  const header = Buffer.from([0x4b, 0x1d, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  const query = Buffer.concat([header, ...labels, Buffer.from([0, 0, 1, 0, 1])]);
  return new Promise((resolve) => {
    const udp = dgram.createSocket('udp4');
    const done = (address) => {
      clearTimeout(timer);
      udp.close();
      resolve(address);
    };
    const timer = setTimeout(() => done(undefined), 2000);
    udp.on('error', () => done(undefined));
    // A reply to one A query ends with the address of its last answer.
    udp.on('message', (reply) =>
      done(reply.readUInt16BE(6) > 0 ? [...reply.subarray(-4)].join('.') : undefined),
    );
    udp.send(query, 53, server);
  });
}

const targets = [
  ['gateway', 'gateway', 5000],
  ['loopback', '127.0.0.1', 5000],
];
for (const line of fs.readFileSync(0, 'utf8').split('\n').filter(Boolean)) {
  const [name, host, port] = line.split(' ');
  targets.push([name, host, Number(port)]);
}
const body = JSON.stringify({ language: 'javascript', code: fs.readFileSync(__filename, 'utf8') });

async function main() {
  const leaks = [];
  await Promise.all(
    targets.map(async ([name, host, port]) => {
      const address = /^\d/.test(host) ? host : await lookup(host);
      if (!address) return console.log(`blocked ${name} ${host}:${port}: does not resolve`);
      try {
        const response = await fetch(`http://${address}:${port}/api/v1/executions?wait=false`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(2000),
        });
        leaks.push(`${name} ${host}:${port} answered ${response.status}`);
      } catch (err) {
        console.log(`blocked ${name} ${host}:${port} (${address}): ${err.cause?.code ?? err.name}`);
      }
    }),
  );
  console.log(
    leaks.length > 0 ? `LEAKED: ${leaks.join('; ')}` : `RESUBMIT BLOCKED: ${targets.length} attempts failed`,
  );
}

main();
