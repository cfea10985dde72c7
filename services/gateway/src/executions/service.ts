import { randomUUID } from 'node:crypto';
import {
  EXECUTION_JOB_NAME,
  type ExecutionJob,
  LANGUAGES,
  type Language,
  resolveLimits,
} from '@kiln/protocol';
import type { Job, QueueEvents } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { PayloadTooLargeError, QueueFullError } from '../errors.js';
import { type ExecutionQueue, redisCall } from '../plugins/app/queues.js';
import type { Execution, ExecutionRequest } from '../schemas.js';
import { executionOf, finishedExecution } from './results.js';

type ExecutionJobHandle = Job<ExecutionJob>;

/** How long one wait on completion events lasts before the job is read again, in case an event was lost. */
const EVENTS_RECHECK_MS = 5_000;
/** Retry-After of a 429: long enough for a few executions to drain, short enough for a student pressing Run. */
const QUEUE_FULL_RETRY_AFTER_S = 5;

interface ExecutionServiceDeps {
  config: Config;
  redis: Redis;
  queues: Readonly<Record<Language, ExecutionQueue>>;
  queueEvents: Readonly<Record<Language, QueueEvents>>;
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
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

  /** Check a request against the caps, limits and queue bound, then queue it as one job. */
  async submit(request: ExecutionRequest, log: FastifyBaseLogger): Promise<ExecutionJobHandle> {
    const { config, queues } = this.deps;
    const stdin = request.stdin ?? '';
    const codeBytes = Buffer.byteLength(request.code, 'utf8');
    const stdinBytes = Buffer.byteLength(stdin, 'utf8');
    if (codeBytes > config.maxCodeBytes) throw new PayloadTooLargeError('The code', config.maxCodeBytes);
    if (stdinBytes > config.maxStdinBytes) throw new PayloadTooLargeError('The stdin', config.maxStdinBytes);
    const limits = resolveLimits(request.limits, config.limits.defaults, config.limits.maximums);

    const language = request.language;
    const queue = queues[language];
    // A soft bound: two requests may both pass the count before either adds; it only has to stop a flood.
    const depth = await redisCall(this.deps.redis, () =>
      queue.getJobCountByTypes('waiting', 'prioritized', 'delayed'),
    );
    if (depth >= config.maxQueueDepth) throw new QueueFullError(language, QUEUE_FULL_RETRY_AFTER_S);

    const id = randomUUID();
    const job = await redisCall(this.deps.redis, () =>
      queue.add(
        EXECUTION_JOB_NAME,
        { id, language, code: request.code, stdin, limits },
        {
          jobId: id,
          attempts: config.jobAttempts,
          backoff: { type: 'exponential', delay: config.jobBackoffMs },
          // Not `true`: a job removed the moment it completes races waitUntilFinished and GET.
          removeOnComplete: { age: config.resultTtlSeconds, count: config.resultMaxCount },
          removeOnFail: { age: config.resultTtlSeconds },
        },
      ),
    );
    log.info({ executionId: id, language, codeBytes, stdinBytes, limits, depth }, 'execution queued');
    return job;
  }

  /**
   * Wait up to maxWaitMs for the job to finish. Completion events answer at once; every EVENTS_RECHECK_MS
   * (and when the wait fails or times out) the job itself is read, so a lost event or an events connection
   * that hiccuped costs a few seconds, never the whole wait. Shutting down ends every wait early.
   */
  async waitFor(job: ExecutionJobHandle, maxWaitMs: number, log: FastifyBaseLogger): Promise<Execution> {
    const { id, language } = job.data;
    const deadline = Date.now() + maxWaitMs;
    const events = this.deps.queueEvents[language];
    let current: Execution = { id, state: 'queued' };
    while (!this.closing.signal.aborted) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) break;
      // waitUntilFinished checks the job inside a promise executor, where a Redis error would escape as an
      // unhandled rejection: with the producer down, skip it and let the read below answer 503.
      if (this.deps.redis.status === 'ready') {
        try {
          const finished = job.waitUntilFinished(events, Math.min(remaining, EVENTS_RECHECK_MS));
          const value = await raceAbort(finished, this.closing.signal);
          return logFinished(finishedExecution(id, language, value), log);
        } catch {
          // Timed out, failed, or the events connection failed: the read below decides. Shutting down: the
          // caller gets the last known state at once, as Redis is about to close.
          if (this.closing.signal.aborted) break;
        }
      }
      current = (await this.read(language, id)) ?? current;
      if (current.state === 'finished') return logFinished(current, log);
    }
    return current;
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
    const job = await redisCall(this.deps.redis, () => this.deps.queues[language].getJob(id));
    if (!job) return undefined;
    return executionOf(job, await redisCall(this.deps.redis, () => job.getState()));
  }
}
