export {
  batchCountsKey,
  batchEventsChannel,
  batchFromCounts,
  createBatchCounts,
  dropBatchCounts,
  type ItemState,
  readBatchCounts,
  recordItemState,
  unfinishedItems,
} from './batch-counts.js';
export { check } from './check.js';
export { finishedBatch, finishedSubmission } from './finished.js';
export { capUtf8, DEFAULT_SHOWN_BYTES, gradeSubmission, judge } from './grade.js';
export { END_OF_OUTPUT } from './hint.js';
export {
  BATCH_JOB_NAME,
  BATCH_QUEUE,
  type BatchJob,
  BatchJobSchema,
  batchItemJobId,
  SUBMISSION_JOB_NAME,
  type SubmissionJob,
  SubmissionJobSchema,
  submissionQueueName,
} from './jobs.js';
