// Docker healthcheck: exit 0 while the gateway answers GET /health with 200, 1 otherwise (no curl in the image).
import { request } from 'node:http';
import { loadConfig } from './config.js';

const config = loadConfig();
const wildcard = config.host === '0.0.0.0' || config.host === '::';
const req = request(
  { host: wildcard ? '127.0.0.1' : config.host, port: config.port, path: '/health', timeout: 2000 },
  (res) => process.exit(res.statusCode === 200 ? 0 : 1),
);
req.on('timeout', () => req.destroy());
req.on('error', () => process.exit(1));
req.end();
