import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { BatchService } from '../../grading/batches.js';
import { SubmissionService } from '../../grading/submissions.js';

declare module 'fastify' {
  interface FastifyInstance {
    submissions: SubmissionService;
    batches: BatchService;
  }
}

/** Grading: the submission and batch services, over the job layer's submission queues and batch flows. */
async function gradingPlugin(fastify: FastifyInstance) {
  const { config, jobs } = fastify;
  const { redis } = jobs;
  fastify.decorate('submissions', new SubmissionService({ config, lane: jobs.submissions }));
  fastify.decorate(
    'batches',
    new BatchService({
      config,
      redis,
      watcher: jobs.watcher,
      lane: jobs.submissions,
      batches: jobs.batches,
      flows: jobs.flows,
    }),
  );
}

export default fp(gradingPlugin, { name: 'grading', dependencies: ['queues'] });
