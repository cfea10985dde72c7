import { type Grade, GradeSchema, type Submission, type SubmissionProgress } from '@kiln/api';
import { finishedSubmission, gradeSubmission, type SubmissionJob } from '@kiln/grading';
import Compile from 'typebox/compile';
import { apiState, type Found } from '../jobs/index.js';

const isGrade = Compile(GradeSchema);

/** A finished submission's grade from a job's return value; a grade of internal errors when it is not one. */
export function gradeOf(data: SubmissionJob, value: unknown): Grade {
  return isGrade.Check(value) ? value : gradeSubmission(data, []);
}

export function progressOf(progress: unknown, total: number): SubmissionProgress {
  const value = progress as Partial<SubmissionProgress> | undefined;
  const done = typeof value?.done === 'number' && Number.isInteger(value.done) ? value.done : 0;
  return { done: Math.min(Math.max(done, 0), total), total };
}

/** A submission before anything is known of it. */
export function queuedSubmission({ id, language, tests }: SubmissionJob): Submission {
  return { id, language, state: 'queued', progress: { done: 0, total: tests.length } };
}

/** A finished submission from its job's return value (a job that failed for good: internal errors). */
export function finishedSubmissionOf(data: SubmissionJob, value: unknown): Submission {
  return finishedSubmission(data, gradeOf(data, value));
}

/** The submission a job stands for, read with its state. */
export function submissionOf({ job, state }: Found<SubmissionJob, unknown>): Submission {
  const api = apiState(state) ?? 'queued';
  if (api === 'finished')
    return finishedSubmissionOf(job.data, state === 'completed' ? job.returnvalue : undefined);
  const { id, language, tests } = job.data;
  return { id, language, state: api, progress: progressOf(job.progress, tests.length) };
}
