// Docker healthcheck: healthy while Redis is connected and every language has a live executor link.
import { request } from 'node:http';

const port = Number(process.env.KILN_HEALTH_PORT ?? 8081);
const req = request({ host: '127.0.0.1', port, path: '/health', timeout: 2000 }, (res) => {
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy());
req.on('error', () => process.exit(1));
req.end();
