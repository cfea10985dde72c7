import { randomUUID } from 'node:crypto';
import {
  EXECUTION_JOB_NAME,
  type ExecutionJob,
  LANGUAGES,
  type Language,
  resolveLimits,
} from '@kiln/protocol';
import { checkCallbackUrl } from '@kiln/webhooks';
import type { Job, QueueEvents } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { InvalidCallbackUrlError, PayloadTooLargeError, QueueFullError } from '../errors.js';
import { claimIdempotencyKey, releaseIdempotencyKey } from '../idempotency.js';
import { type ExecutionQueue, redisCall } from '../plugins/app/queues.js';
import type { Execution, ExecutionRequest } from '../schemas.js';
import { waitForJob } from '../wait.js';
import { executionOf, finishedExecution } from './results.js';

type ExecutionJobHandle = Job<ExecutionJob>;

/** Retry-After of a 429: long enough for a few executions to drain, short enough for a student pressing Run. */
const QUEUE_FULL_RETRY_AFTER_S = 5;

interface ExecutionServiceDeps {
  config: Config;
  redis: Redis;
  queues: Readonly<Record<Language, ExecutionQueue>>;
  queueEvents: Readonly<Record<Language, QueueEvents>>;
}

/** Logs how an execution ended: sizes of its output, never the output itself. */
function logFinished(execution: Execution, log: FastifyBaseLogger): Execution {
  const result = execution.result;
  if (result) {
    const { id, language, status, timeMs } = result;
    const output = {
      stdoutBytes: Buffer.byteLength(result.stdout),
      stderrBytes: Buffer.byteLength(result.stderr),
    };
    log.info({ executionId: id, language, status, timeMs, ...output }, 'execution finished');
  }
  return execution;
}

/** Puts executions on their language's queue, waits for them and reads them back. */
export class ExecutionService {
  private readonly closing = new AbortController();

  constructor(private readonly deps: ExecutionServiceDeps) {}

  /**
   * Check a request against the caps, limits and queue bound, then queue it as one job. With an
   * Idempotency-Key seen before (same body), the first request's job is returned instead.
   */
  async submit(
    request: ExecutionRequest,
    log: FastifyBaseLogger,
    idempotencyKey?: string,
  ): Promise<ExecutionJobHandle> {
    const { config, queues } = this.deps;
    const stdin = request.stdin ?? '';
    const codeBytes = Buffer.byteLength(request.code, 'utf8');
    const stdinBytes = Buffer.byteLength(stdin, 'utf8');
    if (codeBytes > config.maxCodeBytes) throw new PayloadTooLargeError('The code', config.maxCodeBytes);
    if (stdinBytes > config.maxStdinBytes) throw new PayloadTooLargeError('The stdin', config.maxStdinBytes);
    const limits = resolveLimits(request.limits, config.limits.defaults, config.limits.maximums);
    if (request.callbackUrl !== undefined) {
      const problem = checkCallbackUrl(request.callbackUrl, { allowPrivate: config.webhookAllowPrivate });
      if (problem) throw new InvalidCallbackUrlError(problem);
    }

    const language = request.language;
    const queue = queues[language];
    const { redis } = this.deps;
    const claim = await redisCall(redis, () =>
      claimIdempotencyKey(
        redis,
        'executions',
        idempotencyKey,
        request,
        randomUUID(),
        config.resultTtlSeconds,
      ),
    );
    const id = claim.id;
    if (claim.replayed) {
      const existing = await redisCall(redis, () => queue.getJob(id));
      if (existing) return existing;
    }
    let depth: number;
    let job: ExecutionJobHandle;
    try {
      // A soft bound: two requests may both pass the count before either adds; it only has to stop a flood.
      depth = await redisCall(redis, () => queue.getJobCountByTypes('waiting', 'prioritized', 'delayed'));
      if (depth >= config.maxQueueDepth) throw new QueueFullError(language, QUEUE_FULL_RETRY_AFTER_S);
      const data = {
        id,
        language,
        code: request.code,
        stdin,
        limits,
        ...(request.callbackUrl ? { callbackUrl: request.callbackUrl } : {}),
      };
      job = await redisCall(redis, () =>
        queue.add(EXECUTION_JOB_NAME, data, {
          jobId: id,
          attempts: config.jobAttempts,
          backoff: { type: 'exponential', delay: config.jobBackoffMs },
          // Not `true`: a job removed the moment it completes races waitUntilFinished and GET.
          removeOnComplete: { age: config.resultTtlSeconds, count: config.resultMaxCount },
          removeOnFail: { age: config.resultTtlSeconds },
        }),
      );
    } catch (err) {
      await releaseIdempotencyKey(redis, 'executions', idempotencyKey);
      throw err;
    }
    log.info({ executionId: id, language, codeBytes, stdinBytes, limits, depth }, 'execution queued');
    return job;
  }

  /** Wait up to maxWaitMs for the job to finish (see waitForJob); shutting down ends every wait early. */
  async waitFor(job: ExecutionJobHandle, maxWaitMs: number, log: FastifyBaseLogger): Promise<Execution> {
    const { id, language } = job.data;
    const execution = await waitForJob<Execution>({
      job,
      events: this.deps.queueEvents[language],
      redis: this.deps.redis,
      maxWaitMs,
      signal: this.closing.signal,
      initial: { id, state: 'queued' },
      finished: (value) => finishedExecution(id, language, value),
      read: () => this.read(language, id),
      isFinished: (execution) => execution.state === 'finished',
    });
    return execution.state === 'finished' ? logFinished(execution, log) : execution;
  }

  /** The execution with this id in any language's queue, or undefined once it has expired. */
  async find(id: string): Promise<Execution | undefined> {
    const found = await Promise.all(LANGUAGES.map((language) => this.read(language, id)));
    return found.find((execution) => execution !== undefined);
  }

  /** End every wait in progress, so open requests answer 202 instead of holding the shutdown. */
  abortWaits(): void {
    this.closing.abort(new Error('the gateway is shutting down'));
  }

  private async read(language: Language, id: string): Promise<Execution | undefined> {
    const queue = this.deps.queues[language];
    // The state first: read after the job, a job completing in between would look finished without its value.
    const state = await redisCall(this.deps.redis, () => queue.getJobState(id));
    if (state === 'unknown') return undefined;
    const job = await redisCall(this.deps.redis, () => queue.getJob(id));
    return job && executionOf(job, state);
  }
}
