import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ExecutionService } from '../../executions/service.js';

declare module 'fastify' {
  interface FastifyInstance {
    executions: ExecutionService;
  }
}

/**
 * The execution service, shared by the v1 and legacy routes. On close it ends the synchronous waits first
 * (preClose runs before in-flight requests drain), so open requests answer 202 with their id at once instead
 * of holding the shutdown for up to KILN_MAX_WAIT_MS; the queues close afterwards (onClose).
 */
async function executionsPlugin(fastify: FastifyInstance) {
  const service = new ExecutionService({
    config: fastify.config,
    redis: fastify.redis,
    queues: fastify.queues,
    queueEvents: fastify.queueEvents,
  });
  fastify.decorate('executions', service);
  fastify.addHook('preClose', async () => service.abortWaits());
}

export default fp(executionsPlugin, { name: 'executions', dependencies: ['queues'] });
