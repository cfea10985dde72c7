// Hostile: tries to change the image itself: new files in /etc, /usr and /opt, appending to /etc/passwd,
// overwriting the agent's code, the Node binary and the sandbox helper, chmod of a system file, a new slot
// directory in /sandbox, files in the compile cache and next to the token. Every write must fail.
// expect: ok
// stdout: BLOCKED
const fs = require('node:fs');

const leaks = [];
const mustFail = (what, action) => {
  try {
    action();
    leaks.push(what);
  } catch {}
};

mustFail('/etc new file', () => fs.writeFileSync('/etc/kiln-pwned', 'pwned'));
mustFail('/etc/passwd append', () => fs.appendFileSync('/etc/passwd', 'pwned'));
mustFail('/usr/bin new file', () => fs.writeFileSync('/usr/bin/kiln-pwned', 'pwned'));
mustFail('node binary', () => fs.appendFileSync('/usr/local/bin/node', 'pwned'));
mustFail('agent code', () => fs.appendFileSync('/opt/kiln/agent/dist/main.js', 'pwned'));
mustFail('sandbox helper', () => fs.appendFileSync('/usr/local/libexec/kiln-run', 'pwned'));
mustFail('language table', () => fs.writeFileSync('/etc/kiln/language.json', '{}'));
mustFail('chmod /etc/shadow', () => fs.chmodSync('/etc/shadow', 0o666));
mustFail('mkdir /sandbox/slot-9', () => fs.mkdirSync('/sandbox/slot-9'));
mustFail('/sandbox new file', () => fs.writeFileSync('/sandbox/kiln-pwned', 'pwned'));
mustFail('/run/kiln new file', () => fs.writeFileSync('/run/kiln/cache/kiln-pwned', 'pwned'));
mustFail('/run/secrets new file', () => fs.writeFileSync('/run/secrets/kiln-pwned', 'pwned'));
mustFail('rename /etc/hosts', () => fs.renameSync('/etc/hosts', '/etc/hosts.old'));
console.log(leaks.length > 0 ? `LEAKED: ${leaks.join(', ')}` : 'BLOCKED: every write refused');
