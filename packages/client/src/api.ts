/**
 * The API's request and response shapes, as the client's callers see them: each is derived from the
 * schema in @kiln/api that the gateway validates and documents with (`Static<typeof …Schema>`), never
 * written again here, so the client cannot drift from the server. The published .d.ts carries them inlined
 * (tsdown), so `@kiln/client` needs neither @kiln/api nor TypeBox at run time.
 */
export type {
  Batch,
  BatchEvent,
  BatchItem,
  BatchRequest,
  BatchResult,
  BatchResults,
  Checker,
  CheckerType,
  CompileResult,
  DiffHint,
  ErrorBody,
  Execution,
  ExecutionRequest,
  ExecutionResult,
  ExecutionState,
  Grade,
  HealthResponse,
  Language,
  LanguageAvailability,
  LanguagesResponse,
  LegacyExecuteRequest,
  LegacyExecuteResponse,
  LimitsRequest,
  ReadyResponse,
  Status,
  Submission,
  SubmissionEvent,
  SubmissionProgress,
  SubmissionRequest,
  SubmissionState,
  TestCase,
  TestResult,
  Verdict,
} from '@kiln/api';
