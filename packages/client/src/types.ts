import type {
  Batch,
  ExecutionResult,
  Language,
  LimitsRequest,
  Submission,
  SubmissionProgress,
} from './api.js';

/**
 * The HTTP API's request and response shapes that the gateway defines itself, written to match the
 * gateway's route schemas (services/gateway/src/schemas.ts and src/routes/*) field for field.
 */

/** Body of `POST /api/v1/executions`. */
export interface ExecutionRequest {
  language: Language;
  code: string;
  stdin?: string;
  limits?: LimitsRequest;
  /** POSTed a signed copy of the finished execution (webhooks). */
  callbackUrl?: string;
}

export type ExecutionState = 'queued' | 'running' | 'finished';

/** What `POST /api/v1/executions` and `GET /api/v1/executions/:id` answer; `result` once `finished`. */
export interface Execution {
  id: string;
  state: ExecutionState;
  result?: ExecutionResult;
}

/** Body of the original design's `POST /api/code/execute`. */
export interface LegacyExecuteRequest {
  code: string;
  language: Language;
  input?: string;
}

export interface LegacyExecuteResponse {
  success: true;
  data: {
    /** stdout, plus diagnostics and stderr when the run failed; trailing whitespace trimmed. */
    output: string;
    /** The run did not end with status `ok`. */
    error: boolean;
    /** Wall-clock time, e.g. "12 ms". */
    executionTime: string;
  };
}

/** One language with at least one live executor, summed over its replicas. */
export interface LanguageAvailability {
  language: Language;
  versions: string[];
  replicas: number;
  slots: number;
  busy: number;
}

/** `GET /api/v1/languages`: an empty list when no executor is connected. */
export interface LanguagesResponse {
  languages: LanguageAvailability[];
}

export interface HealthResponse {
  status: 'ok';
}

export interface ReadyResponse {
  status: 'ready';
  languages: Language[];
}

/** Every error answer of the API. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/** What `GET /api/v1/submissions/:id/events` streams: progress while tests run, then the graded submission. */
export type SubmissionEvent =
  | { type: 'progress'; data: SubmissionProgress }
  | { type: 'finished'; data: Submission };

/** What `GET /api/v1/batches/:id/events` streams: the batch's counts as they change, then the final batch. */
export type BatchEvent = { type: 'progress'; data: Batch } | { type: 'finished'; data: Batch };
