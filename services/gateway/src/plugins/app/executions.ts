import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { ExecutionService } from '../../executions/service.js';

declare module 'fastify' {
  interface FastifyInstance {
    executions: ExecutionService;
  }
}

/** The execution service, shared by the v1 and legacy routes, over the job layer's execution queues. */
async function executionsPlugin(fastify: FastifyInstance) {
  const { config, jobs } = fastify;
  fastify.decorate('executions', new ExecutionService({ config, lane: jobs.executions }));
}

export default fp(executionsPlugin, { name: 'executions', dependencies: ['queues'] });
