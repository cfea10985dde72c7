import {
  type ExecutionJob,
  ExecutionJobSchema,
  type ExecutionResult,
  internalErrorResult,
} from '@kiln/protocol';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import Compile from 'typebox/compile';
import type { WorkerConfig } from '../config.js';
import { ExecutorRefusedError } from '../errors.js';
import type { ExecutorPool } from '../executors/pool.js';
import type { Notify } from '../webhooks.js';

const validJob = Compile(ExecutionJobSchema);

/**
 * The job processor of one language. A program's failure comes back as a result with its status and
 * completes the job. Infrastructure faults (replica lost, no free replica, replica refusing, replica failing
 * the run with `internal_error`) are thrown so BullMQ retries the job, on another replica where there is one;
 * on the last attempt the job completes with an `internal_error` result instead, so nothing accepted ends
 * without a result.
 */
export function createExecutionProcessor(
  pool: ExecutorPool,
  config: WorkerConfig,
  log: Logger,
  notify?: Notify,
) {
  const finish = async (data: ExecutionJob, result: ExecutionResult): Promise<ExecutionResult> => {
    if (data.callbackUrl && notify) {
      await notify({
        url: data.callbackUrl,
        event: 'execution.finished',
        payload: { id: data.id, state: 'finished', result },
        deliveryId: `execution-${data.id}`,
      });
    }
    return result;
  };
  return async (job: Job<ExecutionJob, ExecutionResult>): Promise<ExecutionResult> => {
    if (!validJob.Check(job.data) || job.data.id !== job.id || job.data.language !== pool.language) {
      throw new UnrecoverableError(`job ${job.id} does not hold a valid ${pool.language} execution`);
    }
    const data = job.data;
    const context = { jobId: job.id, language: data.language, attempt: job.attemptsMade + 1 };
    let result: ExecutionResult;
    try {
      result = (await pool.dispatch(data, config.slotWaitMs, data.limits.timeMs + config.runGraceMs)).result;
    } catch (err) {
      // Limits are checked by the gateway against the same maximums: a refusal here is a configuration
      // mismatch, which no retry can fix.
      const final =
        job.attemptsMade + 1 >= (job.opts.attempts ?? 1) ||
        (err instanceof ExecutorRefusedError && err.reason === 'LIMIT_EXCEEDED');
      log.warn({ ...context, err, final }, final ? 'execution failed for good' : 'execution will be retried');
      if (!final) throw err;
      result = internalErrorResult(data.id, data.language);
    }
    return finish(data, result);
  };
}
