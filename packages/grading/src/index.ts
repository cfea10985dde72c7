export * from './api.js';
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
export {
  type Checker,
  CheckerSchema,
  type CheckerType,
  DEFAULT_ABS_TOL,
  DEFAULT_CHECKER,
  DEFAULT_REL_TOL,
} from './checker.js';
export { finishedBatch, finishedSubmission } from './finished.js';
export { capUtf8, DEFAULT_SHOWN_BYTES, gradeSubmission, judge } from './grade.js';
export {
  type CheckOutcome,
  CheckOutcomeSchema,
  type DiffHint,
  DiffHintSchema,
  END_OF_OUTPUT,
} from './hint.js';
