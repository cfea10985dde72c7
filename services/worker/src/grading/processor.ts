import { createHash } from 'node:crypto';
import type { Grade, Verdict } from '@kiln/api';
import {
  finishedSubmission,
  gradeSubmission,
  type ItemState,
  judge,
  type SubmissionJob,
  SubmissionJobSchema,
} from '@kiln/grading';
import type { ExecutionJob, ExecutionResult } from '@kiln/protocol';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import Compile from 'typebox/compile';
import type { WorkerConfig } from '../config.js';
import { ExecutorRefusedError } from '../errors.js';
import type { ExecutorPool } from '../executors/pool.js';
import type { Notify } from '../webhooks.js';

const validJob = Compile(SubmissionJobSchema);

/** Run ids travel in frames that allow 128 characters. */
const MAX_RUN_ID = 128;

export type GradingPool = Pick<ExecutorPool, 'language' | 'free' | 'dispatch'>;
export type GradingConfig = Pick<WorkerConfig, 'slotWaitMs' | 'runGraceMs' | 'gradingOutputKb'>;
/** Records a batch item's move where the batch's counts are kept (recordItemState of @kiln/grading). */
export type RecordItem = (move: {
  batchId: string;
  itemId: string;
  state: ItemState;
  verdict?: Verdict;
}) => Promise<unknown>;

/**
 * A stand-alone submission's job id is its id. A batch item's job id is the producer's choice: it is unique
 * per item by construction, and BullMQ refuses the `<batch id>:<item id>` the contract first named (a custom
 * id may not hold one colon), so it is not checked here.
 */
function isValid(job: Job<SubmissionJob, Grade>, language: string): boolean {
  if (!validJob.Check(job.data) || job.data.language !== language) return false;
  return job.data.batch !== undefined || job.id === job.data.id;
}

function runId(submissionId: string, index: number): string {
  const id = `${submissionId}:${index}`;
  if (id.length <= MAX_RUN_ID) return id;
  return `${createHash('sha256').update(submissionId).digest('hex')}:${index}`;
}

/**
 * The submission processor of one language: one run per test, then the grade as the job's return value.
 *
 * The first test runs alone: it compiles the program and fills the compile cache of the replica that ran it,
 * which every later run then prefers. The other tests run in parallel, but a new one starts only onto a free
 * slot (and one at a time when none is free), so a large submission never piles up runs that wait for slots
 * and time out, and plain executions keep their share of the slots.
 *
 * Infrastructure faults are retried as for executions, by throwing; on the last attempt the job completes
 * anyway, the tests that could not run being `internal_error`, so nothing accepted ends without a grade (and
 * a batch's parent never waits for a child that failed for good).
 */
export function createSubmissionProcessor(
  pool: GradingPool,
  config: GradingConfig,
  log: Logger,
  notify?: Notify,
  recordItem?: RecordItem,
) {
  // A batch's counts are a view: failing to record a move is logged, never a reason to fail the grading.
  const record = async (batch: SubmissionJob['batch'], state: ItemState, verdict?: Verdict) => {
    if (!batch || typeof batch.id !== 'string' || typeof batch.itemId !== 'string' || !recordItem) return;
    await recordItem({
      batchId: batch.id,
      itemId: batch.itemId,
      state,
      ...(verdict ? { verdict } : {}),
    }).catch((err: unknown) => log.warn({ batchId: batch.id, err }, 'could not record a batch item move'));
  };
  return async (job: Job<SubmissionJob, Grade>): Promise<Grade> => {
    if (!isValid(job, pool.language)) {
      if (job.parentKey === undefined)
        throw new UnrecoverableError(`job ${job.id} does not hold a valid ${pool.language} submission`);
      // A failed child would hold its batch back (unless the producer said otherwise): grade it as Kiln's fault.
      log.error({ jobId: job.id, language: pool.language }, 'batch item does not hold a valid submission');
      await record(job.data?.batch, 'finished', 'internal_error');
      return { verdict: 'internal_error', score: 0, maxScore: 0, passed: 0, tests: [] };
    }
    const data = job.data;
    await record(data.batch, 'running');
    const context = { submissionId: data.id, language: data.language, attempt: job.attemptsMade + 1 };
    const total = data.tests.length;
    const results: Array<ExecutionResult | undefined> = Array.from({ length: total }, () => undefined);
    const deadlineMs = data.limits.timeMs + config.runGraceMs;
    let done = 0;
    let prefer: string | undefined;
    let stop = false;
    let fault: unknown;

    const report = (progress: { done: number; total: number }) =>
      job
        .updateProgress(progress)
        .catch((err: unknown) => log.warn({ ...context, err }, 'could not report progress'));

    const runTest = async (index: number): Promise<void> => {
      const run: ExecutionJob = {
        id: runId(data.id, index),
        language: data.language,
        code: data.code,
        stdin: data.tests[index]!.stdin,
        limits: data.limits,
      };
      try {
        const { result, address } = await pool.dispatch(
          run,
          config.slotWaitMs,
          deadlineMs,
          prefer ? { prefer } : {},
        );
        results[index] = result;
        prefer ??= address;
        if (
          result.status === 'compile_error' ||
          (data.stopOnFirstFailure && judge(data.checker, data.tests[index]!, result).verdict !== 'accepted')
        )
          stop = true;
        await report({ done: ++done, total });
      } catch (err) {
        fault ??= err;
      }
    };

    await report({ done, total });
    if (total > 0) await runTest(0);
    // The rest in parallel, a new run starting only while it can have a slot at once (one always runs).
    const inFlight = new Set<Promise<void>>();
    for (let next = 1; ; ) {
      while (!stop && fault === undefined && next < total && (inFlight.size === 0 || pool.free > 0)) {
        const running: Promise<void> = runTest(next++).finally(() => inFlight.delete(running));
        inFlight.add(running);
      }
      if (inFlight.size === 0) break;
      await Promise.race(inFlight);
    }

    if (fault !== undefined) {
      // Limits are checked by the gateway against the same maximums: a refusal here is a configuration
      // mismatch, which no retry can fix.
      const final =
        job.attemptsMade + 1 >= (job.opts.attempts ?? 1) ||
        (fault instanceof ExecutorRefusedError && fault.reason === 'LIMIT_EXCEEDED');
      log.warn(
        { ...context, err: fault, final, ran: done, total },
        final ? 'submission could not run every test' : 'submission will be retried',
      );
      if (!final) {
        await record(data.batch, 'queued');
        throw fault;
      }
    }
    const grade = gradeSubmission(data, results, config.gradingOutputKb * 1024);
    await record(data.batch, 'finished', grade.verdict);
    if (done < total) await report({ done: total, total });
    // Fresh compiles (not from the cache): one per submission when the replica's cache did its job.
    const compiles = results.filter((result) => result?.compile && !result.compile.cached).length;
    log.info(
      {
        ...context,
        compiled: compiles > 0,
        compiles,
        tests: total,
        verdict: grade.verdict,
        passed: grade.passed,
      },
      'submission graded',
    );
    if (data.callbackUrl && notify) {
      await notify({
        url: data.callbackUrl,
        event: 'submission.finished',
        payload: finishedSubmission(data, grade),
        deliveryId: `submission-${data.id}`,
      });
    }
    return grade;
  };
}
