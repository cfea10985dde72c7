import { setTimeout as sleep } from 'node:timers/promises';
import type { Batch, BatchRequest, BatchResult, Grade } from '@kiln/api';
import {
  BATCH_JOB_NAME,
  BATCH_QUEUE,
  type BatchJob,
  batchEventsChannel,
  batchItemJobId,
  createBatchCounts,
  dropBatchCounts,
  readBatchCounts,
  recordItemState,
  SUBMISSION_JOB_NAME,
  type SubmissionJob,
  submissionQueueName,
} from '@kiln/grading';
import { type Language, QUEUE_PREFIX } from '@kiln/protocol';
import type { FlowProducer } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../config.js';
import { DuplicateItemError, QueueFullError } from '../errors.js';
import {
  type BatchQueue,
  type ChannelWatcher,
  createOnce,
  redisCall,
  type SubmissionLane,
} from '../jobs/index.js';
import { checkGrading, GRADING_RETRY_AFTER_S } from './requests.js';
import { gradeOf, submissionOf } from './views.js';

/** A followed batch is read again at most this often (a burst of moves is one read)… */
const FOLLOW_COALESCE_MS = 100;
/** …and at least this often, should a change notification be lost (pub/sub is not durable). */
const FOLLOW_RECHECK_MS = 5_000;

interface BatchServiceDeps {
  config: Config;
  redis: Redis;
  /** Change notifications of batches' counts. */
  watcher: ChannelWatcher;
  /** The submission queues, where a batch's items are judged. */
  lane: SubmissionLane;
  batches: BatchQueue;
  flows: FlowProducer;
}

/** Items re-judged after the batch: item id → the job id of the submission that judges it again. */
const rejudgeKey = (batchId: string) => `kiln:batch-rejudges:${batchId}`;

/** The BullMQ key of a job, as a flow parent lists its children. */
const jobKey = (queue: string, jobId: string) => `${QUEUE_PREFIX}:${queue}:${jobId}`;

/**
 * Batches: one BullMQ flow per batch, a parent job in `batches` with one child submission per item in its
 * language's submission queue. The parent runs once every child is done; counts and results are read from
 * the flow itself (the parent's processed and pending children), so they are exactly the queue's truth.
 */
export class BatchService {
  constructor(private readonly deps: BatchServiceDeps) {}

  async create(
    request: BatchRequest,
    idempotencyKey: string | undefined,
    log: FastifyBaseLogger,
  ): Promise<Batch> {
    const { redis, config, lane, flows } = this.deps;
    const seen = new Set<string>();
    for (const item of request.submissions) {
      if (seen.has(item.id)) throw new DuplicateItemError(item.id);
      seen.add(item.id);
    }
    const shared = checkGrading(config, request, request.submissions);
    return createOnce(redis, {
      scope: 'batches',
      key: idempotencyKey,
      body: request,
      ttlSeconds: config.resultTtlSeconds,
      replay: (id) => this.find(id),
      create: async (id) => {
        const perLanguage = new Map<Language, number>();
        for (const item of request.submissions)
          perLanguage.set(item.language, (perLanguage.get(item.language) ?? 0) + 1);
        for (const [language, count] of perLanguage)
          await lane.checkDepth(
            language,
            count,
            config.maxQueueDepth,
            () => new QueueFullError(language, GRADING_RETRY_AFTER_S, 'submissions'),
          );

        const createdAt = Date.now();
        const parent: BatchJob = {
          id,
          total: request.submissions.length,
          createdAt,
          items: request.submissions.map(({ id, language }) => ({ id, language })),
          ...(request.callbackUrl ? { callbackUrl: request.callbackUrl } : {}),
        };
        const retention = {
          removeOnComplete: { age: config.resultTtlSeconds },
          removeOnFail: { age: config.resultTtlSeconds },
        };
        // The counts first: a child may start before flows.add returns, and its move must find them.
        await redisCall(redis, () =>
          createBatchCounts(redis, { id, total: parent.total, createdAt }, config.resultTtlSeconds),
        );
        await redisCall(redis, () =>
          flows.add({
            name: BATCH_JOB_NAME,
            queueName: BATCH_QUEUE,
            data: parent,
            opts: { jobId: id, ...retention },
            children: request.submissions.map((item) => {
              const jobId = batchItemJobId(id, item.id);
              const data: SubmissionJob = {
                id: jobId,
                language: item.language,
                code: item.code,
                ...shared,
                batch: { id, itemId: item.id },
              };
              return {
                name: SUBMISSION_JOB_NAME,
                queueName: submissionQueueName(item.language),
                data,
                // A child that fails for good (it should not: its last attempt completes with internal
                // errors) must not hold the parent for ever; it is counted as internal_error. Children
                // outlive nothing of the parent: both expire after the result TTL.
                opts: { ...lane.options(jobId), ...retention, ignoreDependencyOnFailure: true },
              };
            }),
          }),
        ).catch(async (err: unknown) => {
          await dropBatchCounts(redis, id).catch(() => undefined);
          throw err;
        });
        log.info({ batchId: id, items: parent.total, tests: shared.tests.length }, 'batch queued');
        const batch: Batch = {
          id,
          state: 'running',
          total: parent.total,
          states: { queued: parent.total, running: 0, finished: 0 },
          verdicts: {},
          createdAt,
        };
        return batch;
      },
    });
  }

  /**
   * The batch's counts, or undefined when it never existed or has expired: one Redis call, whatever its
   * size (the worker counts each item's move as it happens, see @kiln/grading's batch-counts).
   */
  async find(id: string): Promise<Batch | undefined> {
    const { redis } = this.deps;
    return (await redisCall(redis, () => readBatchCounts(redis, id))) ?? this.countItems(id);
  }

  /**
   * Follow a batch: yields it now, then each time its counts change (notified by whoever moved them, never
   * polled from its items), until it finishes, expires or `signal` aborts.
   */
  async *follow(id: string, signal: AbortSignal): AsyncGenerator<Batch> {
    let wake: (() => void) | undefined;
    let changed = false;
    const unwatch = this.deps.watcher.watch(batchEventsChannel(id), () => {
      changed = true;
      wake?.();
    });
    try {
      let last = '';
      while (!signal.aborted) {
        changed = false;
        const batch = await this.find(id);
        if (!batch) return;
        const shown = JSON.stringify([batch.states, batch.verdicts]);
        if (shown !== last || batch.state === 'finished') yield batch;
        last = shown;
        if (batch.state === 'finished') return;
        await sleep(FOLLOW_COALESCE_MS, undefined, { signal }).catch(() => undefined);
        if (changed || signal.aborted) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, FOLLOW_RECHECK_MS);
          signal.addEventListener('abort', done, { once: true });
          wake = done;
          function done() {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            wake = undefined;
            resolve();
          }
        });
      }
    } finally {
      unwatch();
    }
  }

  /**
   * The counts read from every item: for a batch that has none kept (created before they were), and the
   * baseline of the batch-read benchmark. Two Redis calls an item.
   */
  async countItems(id: string): Promise<Batch | undefined> {
    const results = await this.results(id);
    return results && summarize(results.batch, results.results);
  }

  /** Every item's state and grade, in the caller's order. */
  async results(
    id: string,
  ): Promise<{ batch: BatchJob & { finishedOn?: number }; results: BatchResult[] } | undefined> {
    const { redis, batches, lane } = this.deps;
    const parent = await redisCall(redis, () => batches.getJob(id));
    if (!parent) return undefined;
    const [processed, ignored, rejudged] = await redisCall(redis, () =>
      Promise.all([
        parent.getChildrenValues<Grade>(),
        parent.getIgnoredChildrenFailures(),
        redis.hgetall(rejudgeKey(id)),
      ]),
    );
    const results = await Promise.all(
      parent.data.items.map(async (item): Promise<BatchResult> => {
        const queue = submissionQueueName(item.language);
        const childId = batchItemJobId(id, item.id);
        const row = { id: item.id, submissionId: childId, language: item.language };
        const again = rejudged[item.id];
        if (again) {
          const found = await lane.read(item.language, again);
          const submission = found && submissionOf(found);
          if (submission)
            return {
              ...row,
              submissionId: again,
              state: submission.state,
              ...(submission.grade ? { grade: submission.grade } : {}),
            };
        }
        const key = jobKey(queue, childId);
        if (key in processed) {
          const found = await lane.read(item.language, childId);
          const data = found?.job.data ?? {
            tests: [],
            checker: { type: 'lines' as const },
            stopOnFirstFailure: false,
          };
          return { ...row, state: 'finished', grade: gradeOf(data as SubmissionJob, processed[key]) };
        }
        const found = await lane.read(item.language, childId);
        if (key in ignored || found?.state === 'failed' || found?.state === 'completed') {
          const grade = found
            ? gradeOf(found.job.data, found.state === 'completed' ? found.job.returnvalue : undefined)
            : undefined;
          return { ...row, state: 'finished', ...(grade ? { grade } : {}) };
        }
        return { ...row, state: found?.state === 'active' ? 'running' : 'queued' };
      }),
    );
    return {
      batch: { ...parent.data, ...(parent.finishedOn ? { finishedOn: parent.finishedOn } : {}) },
      results,
    };
  }

  /** Judge again every finished item whose verdict is internal_error (Kiln's fault, not the program's). */
  async rejudge(id: string, log: FastifyBaseLogger): Promise<Batch | undefined> {
    const { redis, lane } = this.deps;
    const current = await this.results(id);
    if (!current) return undefined;
    const again = current.results.filter(
      (row) => row.state === 'finished' && (!row.grade || row.grade.verdict === 'internal_error'),
    );
    for (const row of again) {
      const found = await lane.read(row.language, row.submissionId);
      if (!found) continue;
      const jobId = `${batchItemJobId(id, row.id)}.r${Date.now()}`;
      await redisCall(redis, () => recordItemState(redis, { batchId: id, itemId: row.id, state: 'queued' }));
      await lane.add(SUBMISSION_JOB_NAME, { ...found.job.data, id: jobId, batch: { id, itemId: row.id } });
      await redisCall(redis, () => redis.hset(rejudgeKey(id), row.id, jobId));
      await redis.expire(rejudgeKey(id), this.deps.config.resultTtlSeconds);
    }
    log.info({ batchId: id, rejudged: again.length }, 'batch items re-judged');
    return this.find(id);
  }
}

/** Counts by state and verdict of a batch's results. */
export function summarize(batch: BatchJob & { finishedOn?: number }, results: BatchResult[]): Batch {
  const states = { queued: 0, running: 0, finished: 0 };
  const verdicts: Record<string, number> = {};
  for (const row of results) {
    states[row.state]++;
    if (row.state === 'finished') {
      const verdict = row.grade?.verdict ?? 'internal_error';
      verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
    }
  }
  const finished = states.finished === results.length;
  return {
    id: batch.id,
    state: finished ? 'finished' : 'running',
    total: batch.total,
    states,
    verdicts,
    createdAt: batch.createdAt,
    ...(finished ? { finishedAt: batch.finishedOn ?? Date.now() } : {}),
  };
}
