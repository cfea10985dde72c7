import { VERDICTS, type Verdict } from '@kiln/api';
import { type BatchJob, BatchJobSchema, finishedBatch, unfinishedItems } from '@kiln/grading';
import { type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import Compile from 'typebox/compile';
import type { Notify } from '../webhooks.js';
import type { RecordItem } from './processor.js';

const validJob = Compile(BatchJobSchema);

/** The return value of a batch's parent job. */
export interface BatchSummary {
  total: number;
  /** Items by overall verdict; they add up to `total`. */
  verdicts: Partial<Record<Verdict, number>>;
  finishedAt: number;
}

function verdictOf(value: unknown): Verdict {
  const verdict = (value as { verdict?: unknown } | null)?.verdict;
  return VERDICTS.includes(verdict as Verdict) ? (verdict as Verdict) : 'internal_error';
}

/**
 * The processor of `batches`: BullMQ moves a batch's parent job to its queue once every child (one
 * submission each, in the submission queues) has completed; their grades are then in the parent's
 * processed-children hash. The submission processor completes even when it cannot grade, so children do not
 * fail for good; should one do so anyway, with `ignoreDependencyOnFailure` it is among the ignored failures,
 * and with `removeDependencyOnFailure` it is simply missing. Both count as `internal_error`: that item was
 * not judged, and the counts must add up to the batch's total (its kept counts too: see recordItem).
 */
export function createBatchProcessor(log: Logger, notify?: Notify, recordItem?: RecordItem) {
  return async (job: Job<BatchJob, BatchSummary>): Promise<BatchSummary> => {
    if (!validJob.Check(job.data)) throw new UnrecoverableError(`job ${job.id} does not hold a valid batch`);
    const values: Record<string, unknown> = (await job.getChildrenValues()) ?? {};
    const failures = await job.getIgnoredChildrenFailures();
    const verdicts: Partial<Record<Verdict, number>> = {};
    const count = (verdict: Verdict, n = 1) => {
      if (n > 0) verdicts[verdict] = (verdicts[verdict] ?? 0) + n;
    };
    for (const value of Object.values(values)) count(verdictOf(value));
    const seen = Object.keys(values).length + Object.keys(failures).length;
    const missing = Math.max(0, job.data.total - seen);
    count('internal_error', Object.keys(failures).length + missing);
    const summary: BatchSummary = { total: seen + missing, verdicts, finishedAt: Date.now() };
    // Items no child completed never recorded their end: they are counted where the batch's counts are
    // kept too, so that those add up to the total.
    for (const itemId of recordItem ? unfinishedItems(job.data, Object.keys(values)) : []) {
      await recordItem?.({ batchId: job.data.id, itemId, state: 'finished', verdict: 'internal_error' });
    }
    const context = { batchId: job.data.id, total: summary.total, verdicts };
    if (seen !== job.data.total) log.warn({ ...context, seen }, 'batch children do not match its total');
    log.info(context, 'batch finished');
    if (job.data.callbackUrl && notify) {
      await notify({
        url: job.data.callbackUrl,
        event: 'batch.finished',
        payload: finishedBatch({
          id: job.data.id,
          total: summary.total,
          verdicts,
          createdAt: job.data.createdAt,
          finishedAt: summary.finishedAt,
        }),
        deliveryId: `batch-${job.data.id}`,
      });
    }
    return summary;
  };
}
