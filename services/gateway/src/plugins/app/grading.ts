import {
  BATCH_QUEUE,
  type BatchJob,
  type Grade,
  type SubmissionJob,
  submissionQueueName,
} from '@kiln/grading';
import { LANGUAGES, type Language, QUEUE_PREFIX } from '@kiln/protocol';
import { FlowProducer, Queue, QueueEvents } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { BatchService } from '../../grading/batches.js';
import { SubmissionService } from '../../grading/submissions.js';

export type SubmissionQueue = Queue<SubmissionJob, Grade, string>;
export type BatchQueue = Queue<BatchJob, unknown, string>;

declare module 'fastify' {
  interface FastifyInstance {
    submissions: SubmissionService;
    batches: BatchService;
  }
}

function byLanguage<T>(make: (language: Language) => T): Record<Language, T> {
  return Object.fromEntries(LANGUAGES.map((language) => [language, make(language)])) as Record<Language, T>;
}

/**
 * Grading: a queue and an events listener per language for submissions, the batches queue of flow
 * parents, and a flow producer. They share the producer connection of the queues plugin (fail-fast, so
 * a request gets a 503 while Redis is away); event listeners block on XREAD, so each has its own.
 */
async function gradingPlugin(fastify: FastifyInstance) {
  const { redis, config, log } = fastify;
  const logErrors = (what: string, emitter: { on(event: 'error', fn: (err: Error) => void): unknown }) =>
    emitter.on('error', (err) => log.warn({ err, component: what }, 'redis connection error'));

  const queues = byLanguage((language) => {
    const queue: SubmissionQueue = new Queue(submissionQueueName(language), {
      connection: redis,
      prefix: QUEUE_PREFIX,
    });
    logErrors(`submissions:${language}`, queue);
    return queue;
  });
  const events = byLanguage((language) => {
    const listener = new QueueEvents(submissionQueueName(language), {
      connection: { ...config.redis },
      prefix: QUEUE_PREFIX,
    });
    logErrors(`submission-events:${language}`, listener);
    return listener;
  });
  const batchQueue: BatchQueue = new Queue(BATCH_QUEUE, { connection: redis, prefix: QUEUE_PREFIX });
  logErrors('batches', batchQueue);
  const flows = new FlowProducer({ connection: redis, prefix: QUEUE_PREFIX });
  logErrors('flows', flows);

  const submissions = new SubmissionService({ config, redis, queues, events });
  fastify.decorate('submissions', submissions);
  fastify.decorate('batches', new BatchService({ config, redis, submissions, batchQueue, flows }));

  fastify.addHook('preClose', async () => submissions.abortWaits());
  fastify.addHook('onClose', async () => {
    await Promise.allSettled(Object.values(events).map((listener) => listener.close()));
    await Promise.allSettled([...Object.values(queues), batchQueue, flows].map((queue) => queue.close()));
  });
  await Promise.all([
    ...Object.values(queues).map((queue) => queue.waitUntilReady()),
    ...Object.values(events).map((listener) => listener.waitUntilReady()),
    batchQueue.waitUntilReady(),
  ]);
}

export default fp(gradingPlugin, { name: 'grading', dependencies: ['queues'] });
