import Fastify, { type FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import app, { appOptions } from './app.js';
import { loadConfig } from './config.js';

/** Entry point: build Fastify with its timeouts, mount the app, listen, and close gracefully on a signal. */

/** Within Docker's default stop grace (10 s); waits are cut short on close, so this is only a backstop. */
const SHUTDOWN_GRACE_MS = 8_000;

const config = loadConfig();
// JSON logs (for the container's log driver). Never code, stdin or program output: sizes and ids only.
const logger: FastifyBaseLogger = pino({ level: config.logLevel, base: { service: 'gateway' } });

const server = Fastify({
  ...appOptions(config),
  loggerInstance: logger,
  // A synchronous call may hold its socket silent for KILN_MAX_WAIT_MS, so an idle socket gets more than that.
  connectionTimeout: config.maxWaitMs + 30_000,
  // Receiving a request (headers and body) must not take long: slow senders should not pin sockets.
  requestTimeout: 30_000,
  // Above the 60 s idle timeout of common load balancers, so they never reuse a socket we just closed.
  keepAliveTimeout: 72_000,
  // Leaves room for Redis to answer at boot (the queues plugin waits for it).
  pluginTimeout: 30_000,
});

await server.register(app, { config });

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    server.log.info({ signal }, 'closing');
    setTimeout(() => {
      server.log.error({ graceMs: SHUTDOWN_GRACE_MS }, 'close did not finish in time; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    // Exit once closed: an abandoned wait's BullMQ timer would otherwise hold the process for seconds.
    server.close().then(
      () => {
        server.log.info('closed');
        process.exit(0);
      },
      (err: unknown) => {
        server.log.error({ err }, 'close failed');
        process.exit(1);
      },
    );
  });
}

try {
  await server.listen({ host: config.host, port: config.port });
} catch (err) {
  server.log.fatal({ err }, 'could not start');
  process.exit(1);
}
