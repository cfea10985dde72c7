import type { Batch, Grade, Submission, Verdict } from '@kiln/api';
import type { SubmissionJob } from './jobs.js';

/**
 * The one shape of a finished submission, as GET /api/v1/submissions/:id, its event stream and the
 * `submission.finished` webhook all show it.
 */
export function finishedSubmission(
  job: Pick<SubmissionJob, 'id' | 'language' | 'tests'>,
  grade: Grade,
): Submission {
  const total = job.tests.length;
  return { id: job.id, language: job.language, state: 'finished', progress: { done: total, total }, grade };
}

/**
 * The one shape of a finished batch, as GET /api/v1/batches/:id, its event stream and the
 * `batch.finished` webhook all show it: every item finished, counted by verdict.
 */
export function finishedBatch(batch: {
  id: string;
  total: number;
  verdicts: Partial<Record<Verdict, number>> | Record<string, number>;
  createdAt: number;
  finishedAt: number;
}): Batch {
  const { id, total, createdAt, finishedAt } = batch;
  return {
    id,
    state: 'finished',
    total,
    states: { queued: 0, running: 0, finished: total },
    verdicts: { ...batch.verdicts } as Record<string, number>,
    createdAt,
    finishedAt,
  };
}
