import { readFileSync } from 'node:fs';
import WebSocket from 'ws';
const [port, tokenFile, file, stdin = '', limits = '{}'] = process.argv.slice(2);
const ws = new WebSocket(`ws://127.0.0.1:${port}`, { headers: { authorization: `Bearer ${readFileSync(tokenFile, 'utf8').trim()}` } });
const t0 = Date.now();
ws.on('message', (d) => {
  const f = JSON.parse(d.toString());
  if (f.type === 'hello') { ws.send(JSON.stringify({ type: 'run', id: 'x', code: readFileSync(file, 'utf8'), stdin: stdin.replace(/\\n/g, '\n'), limits: JSON.parse(limits) })); return; }
  f.stdout = f.stdout?.slice(0, 300); f.stderr = f.stderr?.slice(0, 300);
  console.log(JSON.stringify(f, null, 1), 'wall', Date.now() - t0); ws.close();
});
