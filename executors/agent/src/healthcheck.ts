// Docker healthcheck: exit 0 while the agent answers /healthz with 200 (every slot clean), 1 otherwise.
import { request } from 'node:http';

const port = Number(process.env.KILN_PORT ?? 8765);
const req = request({ host: '127.0.0.1', port, path: '/healthz', timeout: 2000 }, (res) => {
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy());
req.on('error', () => process.exit(1));
req.end();
