export type {
  Batch,
  BatchItem,
  BatchRequest,
  BatchResult,
  BatchResults,
  Checker,
  CheckerType,
  DiffHint,
  Grade,
  Submission,
  SubmissionProgress,
  SubmissionRequest,
  SubmissionState,
  TestCase,
  TestResult,
  Verdict,
} from '@kiln/grading';
export type { ExecutionResult, Language, LimitsRequest, Status } from '@kiln/protocol';
export {
  type ExecuteOptions,
  type IdempotencyOptions,
  KilnClient,
  type KilnClientOptions,
  type RunOptions,
  type SubmitOptions,
} from './client.js';
export { KilnApiError, KilnNetworkError, type KilnNetworkErrorCode } from './errors.js';
export type { EventsOptions } from './events.js';
export type * from './types.js';
