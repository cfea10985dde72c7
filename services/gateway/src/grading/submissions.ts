import { randomUUID } from 'node:crypto';
import {
  DEFAULT_CHECKER,
  type Grade,
  GradeSchema,
  gradeSubmission,
  SUBMISSION_JOB_NAME,
  type Submission,
  type SubmissionJob,
  type SubmissionProgress,
  type SubmissionRequest,
} from '@kiln/grading';
import { LANGUAGES, type Language, resolveLimits } from '@kiln/protocol';
import { checkCallbackUrl } from '@kiln/webhooks';
import type { Job, JobState, JobsOptions, QueueEvents } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import Compile from 'typebox/compile';
import type { Config } from '../config.js';
import { InvalidCallbackUrlError, PayloadTooLargeError, QueueFullError } from '../errors.js';
import { claimIdempotencyKey, releaseIdempotencyKey } from '../idempotency.js';
import type { SubmissionQueue } from '../plugins/app/grading.js';
import { redisCall } from '../plugins/app/queues.js';
import { waitForJob } from '../wait.js';

const isGrade = Compile(GradeSchema);
/** Retry-After of a 429 on grading: a submission holds several runs, so its queue drains more slowly. */
export const GRADING_RETRY_AFTER_S = 10;

interface SubmissionServiceDeps {
  config: Config;
  redis: Redis;
  queues: Readonly<Record<Language, SubmissionQueue>>;
  events: Readonly<Record<Language, QueueEvents>>;
}

export type SubmissionHandle = Job<SubmissionJob, Grade>;

const STATE_OF: Partial<Record<JobState | 'unknown', Submission['state']>> = {
  active: 'running',
  waiting: 'queued',
  prioritized: 'queued',
  delayed: 'queued',
  'waiting-children': 'queued',
};

/** A finished submission's grade from a job's return value; a grade of internal errors when it is not one. */
export function gradeOf(data: SubmissionJob, value: unknown): Grade {
  return isGrade.Check(value) ? value : gradeSubmission(data, []);
}

/** The submission a job stands for, in a state the API knows, or undefined when the job is gone. */
export function submissionOf(job: SubmissionHandle, state: JobState | 'unknown'): Submission | undefined {
  const { id, language, tests } = job.data;
  const total = tests.length;
  switch (state) {
    case 'unknown':
      return undefined;
    case 'completed':
      return {
        id,
        language,
        state: 'finished',
        progress: { done: total, total },
        grade: gradeOf(job.data, job.returnvalue),
      };
    case 'failed':
      return {
        id,
        language,
        state: 'finished',
        progress: { done: total, total },
        grade: gradeOf(job.data, undefined),
      };
    default:
      return { id, language, state: STATE_OF[state] ?? 'queued', progress: progressOf(job.progress, total) };
  }
}

export function progressOf(progress: unknown, total: number): SubmissionProgress {
  const value = progress as Partial<SubmissionProgress> | undefined;
  const done = typeof value?.done === 'number' && Number.isInteger(value.done) ? value.done : 0;
  return { done: Math.min(Math.max(done, 0), total), total };
}

/** Bytes of the tests' stdin and expected output, each checked against the stdin cap. */
function checkTests(request: Pick<SubmissionRequest, 'tests'>, maxBytes: number): void {
  request.tests.forEach((test, index) => {
    for (const field of ['stdin', 'expected'] as const) {
      if (Buffer.byteLength(test[field], 'utf8') > maxBytes) {
        throw new PayloadTooLargeError(`tests[${index}].${field}`, maxBytes);
      }
    }
  });
}

/** Submissions: one program against a list of tests, one job in its language's submission queue. */
export class SubmissionService {
  private readonly closing = new AbortController();

  constructor(private readonly deps: SubmissionServiceDeps) {}

  get config(): Config {
    return this.deps.config;
  }

  /** What every grading request shares: sizes, limits, callback URL; the job fields they give. */
  prepare(request: Omit<SubmissionRequest, 'language' | 'code'>, sources: ReadonlyArray<{ code: string }>) {
    const { config } = this.deps;
    for (const { code } of sources) {
      if (Buffer.byteLength(code, 'utf8') > config.maxCodeBytes)
        throw new PayloadTooLargeError('The code', config.maxCodeBytes);
    }
    checkTests(request, config.maxStdinBytes);
    if (request.callbackUrl !== undefined) {
      const problem = checkCallbackUrl(request.callbackUrl, { allowPrivate: config.webhookAllowPrivate });
      if (problem) throw new InvalidCallbackUrlError(problem);
    }
    return {
      tests: request.tests,
      checker: request.checker ?? DEFAULT_CHECKER,
      limits: resolveLimits(request.limits, config.limits.defaults, config.limits.maximums),
      stopOnFirstFailure: request.stopOnFirstFailure ?? false,
    };
  }

  jobOptions(jobId: string): JobsOptions {
    const { config } = this.deps;
    return {
      jobId,
      attempts: config.jobAttempts,
      backoff: { type: 'exponential', delay: config.jobBackoffMs },
      removeOnComplete: { age: config.resultTtlSeconds, count: config.resultMaxCount },
      removeOnFail: { age: config.resultTtlSeconds },
    };
  }

  /** Refuse work when `language`'s submission queue holds `adding` more than its bound allows. */
  async checkDepth(language: Language, adding = 1): Promise<void> {
    const { redis, config, queues } = this.deps;
    const depth = await redisCall(redis, () =>
      queues[language].getJobCountByTypes('waiting', 'prioritized', 'delayed'),
    );
    if (depth + adding > config.maxQueueDepth)
      throw new QueueFullError(language, GRADING_RETRY_AFTER_S, 'submissions');
  }

  async submit(
    request: SubmissionRequest,
    idempotencyKey: string | undefined,
    log: FastifyBaseLogger,
  ): Promise<SubmissionHandle> {
    const { redis, config, queues } = this.deps;
    const shared = this.prepare(request, [request]);
    const { language } = request;
    const claim = await redisCall(redis, () =>
      claimIdempotencyKey(
        redis,
        'submissions',
        idempotencyKey,
        request,
        randomUUID(),
        config.resultTtlSeconds,
      ),
    );
    const id = claim.id;
    if (claim.replayed) {
      const existing = await redisCall(redis, () => queues[language].getJob(id));
      if (existing) return existing;
    }
    try {
      await this.checkDepth(language);
      const data: SubmissionJob = {
        id,
        language,
        code: request.code,
        ...shared,
        ...(request.callbackUrl ? { callbackUrl: request.callbackUrl } : {}),
      };
      const job = await redisCall(redis, () =>
        queues[language].add(SUBMISSION_JOB_NAME, data, this.jobOptions(id)),
      );
      log.info(
        {
          submissionId: id,
          language,
          tests: data.tests.length,
          checker: data.checker.type,
          limits: data.limits,
        },
        'submission queued',
      );
      return job;
    } catch (err) {
      await releaseIdempotencyKey(redis, 'submissions', idempotencyKey);
      throw err;
    }
  }

  async waitFor(job: SubmissionHandle, maxWaitMs: number): Promise<Submission> {
    const { id, language, tests } = job.data;
    return waitForJob<Submission>({
      job,
      events: this.deps.events[language],
      redis: this.deps.redis,
      maxWaitMs,
      signal: this.closing.signal,
      initial: { id, language, state: 'queued', progress: { done: 0, total: tests.length } },
      finished: (value) => ({
        id,
        language,
        state: 'finished',
        progress: { done: tests.length, total: tests.length },
        grade: gradeOf(job.data, value),
      }),
      read: () => this.read(language, id),
      isFinished: (submission) => submission.state === 'finished',
    });
  }

  /** A submission's state now (a replayed request may find it finished already). */
  async current(job: SubmissionHandle): Promise<Submission> {
    const { id, language, tests } = job.data;
    return (
      (await this.read(language, id)) ?? {
        id,
        language,
        state: 'queued',
        progress: { done: 0, total: tests.length },
      }
    );
  }

  /** The submission with this id in any language's queue, or undefined once it has expired. */
  async find(id: string): Promise<Submission | undefined> {
    const found = await Promise.all(LANGUAGES.map((language) => this.read(language, id)));
    return found.find((submission) => submission !== undefined);
  }

  async read(language: Language, id: string): Promise<Submission | undefined> {
    const found = await this.job(language, id);
    return found && submissionOf(found.job, found.state);
  }

  /**
   * A queue's job (a batch item's submission, say) by id, with its state. The state is read first: a job
   * read first could complete before its state is read, and show as completed without its grade (read as
   * internal_error). Read in this order, the state may be a step behind the job, never ahead of it.
   */
  async job(
    language: Language,
    id: string,
  ): Promise<{ job: SubmissionHandle; state: JobState | 'unknown' } | undefined> {
    const queue = this.deps.queues[language];
    const state = await redisCall(this.deps.redis, () => queue.getJobState(id));
    if (state === 'unknown') return undefined;
    const job = await redisCall(this.deps.redis, () => queue.getJob(id));
    return job && { job, state };
  }

  queue(language: Language): SubmissionQueue {
    return this.deps.queues[language];
  }

  /**
   * Follow a submission until it finishes: `onProgress` for each progress event of its job, then its
   * final state. The job is read again every few seconds in case an event was lost.
   */
  async follow(
    submission: Submission,
    onProgress: (progress: SubmissionProgress) => void,
    signal: AbortSignal,
  ): Promise<Submission | undefined> {
    const { id, language } = submission;
    const events = this.deps.events[language];
    const total = submission.progress.total;
    const onEvent = ({ data }: { data: unknown }) => onProgress(progressOf(data, total));
    events.on(`progress:${id}` as 'progress', onEvent as never);
    try {
      let current: Submission | undefined = submission;
      while (current && current.state !== 'finished' && !signal.aborted && !this.closing.signal.aborted) {
        const job = await redisCall(this.deps.redis, () => this.deps.queues[language].getJob(id));
        if (!job) return undefined;
        current = await waitForJob<Submission>({
          job,
          events,
          redis: this.deps.redis,
          maxWaitMs: 15_000,
          signal: AbortSignal.any([signal, this.closing.signal]),
          initial: current,
          finished: (value) => ({
            id,
            language,
            state: 'finished',
            progress: { done: total, total },
            grade: gradeOf(job.data, value),
          }),
          read: () => this.read(language, id),
          isFinished: (state) => state.state === 'finished',
        });
      }
      return current;
    } finally {
      events.off(`progress:${id}` as 'progress', onEvent as never);
    }
  }

  abortWaits(): void {
    this.closing.abort(new Error('the gateway is shutting down'));
  }

  get closingSignal(): AbortSignal {
    return this.closing.signal;
  }
}
