import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { type Jobs, openJobs } from '../../jobs/index.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The producer connection: queue writes, job reads, presence, rate limits and PING. */
    redis: Jobs['redis'];
    /** Every queue the gateway writes to and listens on (the job layer). */
    jobs: Jobs;
  }
}

/**
 * Opens the job layer and decorates the app with it. On close the waits end first (preClose runs before
 * in-flight requests drain), so open requests answer 202 with their id at once instead of holding the
 * shutdown for up to KILN_MAX_WAIT_MS; the queues close afterwards (onClose).
 */
async function queuesPlugin(fastify: FastifyInstance) {
  const { config, log } = fastify;
  const jobs = openJobs(config, log);
  fastify.decorate('redis', jobs.redis);
  fastify.decorate('jobs', jobs);
  fastify.addHook('preClose', async () => jobs.abortWaits());
  fastify.addHook('onClose', async () => jobs.close());
  // Boot only once Redis answers and the event listeners are subscribed: a gateway that cannot queue
  // must not pass as started (the plugin timeout turns a Redis that never comes into a failed start).
  await jobs.ready();
  log.info({ host: config.redis.host, port: config.redis.port, db: config.redis.db }, 'queues ready');
}

export default fp(queuesPlugin, { name: 'queues', decorators: { fastify: ['config'] } });
