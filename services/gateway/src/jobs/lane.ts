import { LANGUAGES, type Language } from '@kiln/protocol';
import type { Job, JobState, JobsOptions, Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { createOnce } from './idempotency.js';
import { redisCall } from './redis.js';
import { waitForJob } from './wait.js';

/** How long a job is retried and kept: the same for every kind of work. */
export interface JobSettings {
  attempts: number;
  backoffMs: number;
  /** Results are kept this long after they finish (and at most `maxCount` of them per queue). */
  ttlSeconds: number;
  maxCount: number;
}

/** The fields every job of a lane carries. */
export interface LaneJob {
  id: string;
  language: Language;
}

export function byLanguage<T>(make: (language: Language) => T): Record<Language, T> {
  return Object.fromEntries(LANGUAGES.map((language) => [language, make(language)])) as Record<Language, T>;
}

/** One job to add once per Idempotency-Key (see JobLane.addOnce). */
export interface AddOnce<Data> {
  /** The job name, as the worker dispatches on it. */
  name: string;
  language: Language;
  /** The caller's Idempotency-Key and the request body it covers. */
  idempotencyKey: string | undefined;
  body: unknown;
  /** The queue bound, and the error that refuses work past it. */
  bound: number;
  refusal: () => Error;
  /** The job's data under the id it gets. */
  data: (id: string) => Data;
}

/** A job with the state it was read in, `unknown` never (a missing job reads as undefined). */
export interface Found<Data, Result> {
  job: Job<Data, Result, string>;
  state: JobState;
}

/** How a caller sees a job while it is waited for: its own view of queued, running and finished. */
export interface JobView<T> {
  /** The view before anything is known. */
  initial: T;
  /** The finished view from a job's return value, as the completion event carries it. */
  finished: (value: unknown) => T;
  /** The view of a job read back from Redis. */
  of: (found: Found<unknown, unknown>) => T;
  isFinished: (view: T) => boolean;
}

/**
 * One kind of work (executions, submissions): a queue per language and a completion-event listener per
 * queue. Owns what every kind does the same way: job options, the queue bound, state-first reads, waits
 * on completion, and the shutdown that ends every wait.
 */
export class JobLane<Data extends LaneJob, Result> {
  private readonly closing = new AbortController();

  constructor(
    private readonly redis: Redis,
    private readonly queues: Readonly<Record<Language, Queue<Data, Result, string>>>,
    private readonly events: Readonly<Record<Language, QueueEvents>>,
    private readonly settings: JobSettings,
  ) {}

  queue(language: Language): Queue<Data, Result, string> {
    return this.queues[language];
  }

  eventsOf(language: Language): QueueEvents {
    return this.events[language];
  }

  /** Every queue and listener of the lane, to wait for and to close. */
  get parts(): Array<Queue<Data, Result, string> | QueueEvents> {
    return [...Object.values(this.queues), ...Object.values(this.events)];
  }

  /** Ends every wait in progress (the gateway shutting down): waiters answer with what they know. */
  get closingSignal(): AbortSignal {
    return this.closing.signal;
  }

  abortWaits(): void {
    this.closing.abort(new Error('the gateway is shutting down'));
  }

  /** Retries with backoff, results kept for the TTL: never removed the moment they complete, which would
   * race a waiter and a GET. */
  options(jobId: string): JobsOptions {
    const { attempts, backoffMs, ttlSeconds, maxCount } = this.settings;
    return {
      jobId,
      attempts,
      backoff: { type: 'exponential', delay: backoffMs },
      removeOnComplete: { age: ttlSeconds, count: maxCount },
      removeOnFail: { age: ttlSeconds },
    };
  }

  /** Jobs waiting in `language`'s queue (not yet taken by a worker). */
  async depth(language: Language): Promise<number> {
    return redisCall(this.redis, () =>
      this.queues[language].getJobCountByTypes('waiting', 'prioritized', 'delayed'),
    );
  }

  /**
   * Refuse (throw `refusal()`) when `adding` more jobs would pass `bound`. A soft bound: two requests may
   * both pass the count before either adds; it only has to stop a flood. Returns the depth it saw.
   */
  async checkDepth(language: Language, adding: number, bound: number, refusal: () => Error): Promise<number> {
    const depth = await this.depth(language);
    if (depth + adding > bound) throw refusal();
    return depth;
  }

  async add(name: string, data: Data): Promise<Job<Data, Result, string>> {
    const queue = this.queues[data.language];
    const job = await redisCall(this.redis, () =>
      queue.add(name as never, data as never, this.options(data.id)),
    );
    return job as Job<Data, Result, string>;
  }

  /**
   * Add one job, once per Idempotency-Key: a retry with the key gets the first request's job back; work
   * refused (queue bound, Redis away) gives the key back. `depth` (the queue's depth before it) is undefined for a replay.
   */
  async addOnce(
    scope: string,
    options: AddOnce<Data>,
  ): Promise<{ job: Job<Data, Result, string>; depth?: number }> {
    const { language } = options;
    return createOnce(this.redis, {
      scope,
      key: options.idempotencyKey,
      body: options.body,
      ttlSeconds: this.settings.ttlSeconds,
      replay: async (id) => {
        const job = await this.job(language, id);
        return job && { job };
      },
      create: async (id) => {
        const depth = await this.checkDepth(language, 1, options.bound, options.refusal);
        return { job: await this.add(options.name, options.data(id)), depth };
      },
    });
  }

  /**
   * A job and its state. The state is read first: a job read first could complete before its state is
   * read, and show as completed without its value. Read in this order, the state may be a step behind the
   * job, never ahead of it.
   */
  async read(language: Language, id: string): Promise<Found<Data, Result> | undefined> {
    const queue = this.queues[language];
    const state = await redisCall(this.redis, () => queue.getJobState(id));
    if (state === 'unknown') return undefined;
    const job = await this.job(language, id);
    return job ? { job, state } : undefined;
  }

  /** The job with this id in whichever language's queue holds it. */
  async find(id: string): Promise<Found<Data, Result> | undefined> {
    const found = await Promise.all(LANGUAGES.map((language) => this.read(language, id)));
    return found.find((one) => one !== undefined);
  }

  /** A job by id without its state (to wait on it). */
  async job(language: Language, id: string): Promise<Job<Data, Result, string> | undefined> {
    // BullMQ cannot tell a generic Data from a Job subtype: its answer is this queue's job all the same.
    const job = await redisCall(this.redis, () => this.queues[language].getJob(id));
    return job as Job<Data, Result, string> | undefined;
  }

  /**
   * Wait up to maxWaitMs for a job to finish (see waitForJob), seen through `view`; shutting down, or
   * `signal`, ends the wait early with the last known view.
   */
  async wait<T>(job: Job<Data>, maxWaitMs: number, view: JobView<T>, signal?: AbortSignal): Promise<T> {
    const { id, language } = job.data;
    return waitForJob<T>({
      job,
      events: this.events[language],
      redis: this.redis,
      maxWaitMs,
      signal: signal ? AbortSignal.any([signal, this.closing.signal]) : this.closing.signal,
      initial: view.initial,
      finished: view.finished,
      read: async () => {
        const found = await this.read(language, id);
        return found && view.of(found as Found<unknown, unknown>);
      },
      isFinished: view.isFinished,
    });
  }
}
