import type {
  Batch,
  BatchEvent,
  BatchRequest,
  BatchResults,
  Execution,
  ExecutionRequest,
  ExecutionResult,
  HealthResponse,
  LanguagesResponse,
  LegacyExecuteRequest,
  LegacyExecuteResponse,
  ReadyResponse,
  Submission,
  SubmissionEvent,
  SubmissionProgress,
  SubmissionRequest,
} from './api.js';
import { KilnNetworkError } from './errors.js';
import { type EventsOptions, followEvents } from './events.js';
import { type HttpSettings, request, requestText } from './http.js';
import { type RetryOptions, retryPolicy, sleep } from './retry.js';

export interface KilnClientOptions {
  /** Where the gateway is, e.g. "http://localhost:5000"; a path prefix is kept. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <key>`. */
  apiKey?: string;
  /** Defaults to the global fetch; pass one to add a proxy or instrumentation. */
  fetch?: typeof fetch;
  /**
   * Longest one call may take, body included, and its retries when `retry` is on. Keep it above the gateway's
   * KILN_MAX_WAIT_MS, or the waiting calls (execute and createSubmission with wait, run, executeLegacy) give up
   * before the gateway answers.
   */
  timeoutMs?: number;
  /**
   * Send a call again when the gateway answers 429 or 503, after the `Retry-After` it names (or a doubling
   * wait without one). Off by default: the first refusal throws KilnApiError.
   */
  retry?: RetryOptions;
}

export interface IdempotencyOptions {
  /**
   * Sent as `Idempotency-Key`: a POST repeated with the same key (after a timeout, say) gives back the work
   * the first one created instead of creating it again. Use a fresh random value per piece of work.
   */
  idempotencyKey?: string;
}

export interface ExecuteOptions extends IdempotencyOptions {
  /** Let the gateway wait for the result (its default) or answer 202 at once. */
  wait?: boolean;
}

export interface RunOptions extends IdempotencyOptions {
  /** Longest run() may take in all, the submission and every poll included. */
  timeoutMs?: number;
}

export interface SubmitOptions extends IdempotencyOptions {
  /** Let the gateway wait, a bounded time, for the grade (its default) or answer at once with `queued`. */
  wait?: boolean;
}

/** Above the gateway's default maximum wait (60 s), so a waiting POST is not cut short by the client. */
const DEFAULT_TIMEOUT_MS = 90_000;
const DEFAULT_RUN_TIMEOUT_MS = 120_000;
/** Polling starts fast, for runs that only just missed the server's wait, and backs off to spare the gateway. */
const POLL_FIRST_DELAY_MS = 100;
const POLL_MAX_DELAY_MS = 2_000;

const waitQuery = (wait: boolean | undefined) => (wait === undefined ? '' : `?wait=${wait}`);

/** A typed client for Kiln's HTTP API. Every non-2xx answer throws KilnApiError; no answer, KilnNetworkError. */
export class KilnClient {
  private readonly http: HttpSettings;
  private readonly timeoutMs: number;

  constructor(options: KilnClientOptions) {
    const protocol = URL.parse(options.baseUrl)?.protocol;
    if (protocol !== 'http:' && protocol !== 'https:') {
      throw new TypeError(`baseUrl must be an http(s) URL, got "${options.baseUrl}"`);
    }
    const fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
    this.http = {
      baseUrl: options.baseUrl.replace(/\/+$/, ''),
      apiKey: options.apiKey,
      fetch: fetchImpl,
      retry: retryPolicy(options.retry),
    };
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Submit one execution: `finished` with its result, or `queued`/`running` when it was not waited for. */
  async execute(body: ExecutionRequest, options: ExecuteOptions = {}): Promise<Execution> {
    return this.submit(body, options.wait, options.idempotencyKey, this.timeoutMs);
  }

  /** Read an execution back; KilnApiError EXECUTION_NOT_FOUND once it has expired. */
  async getExecution(id: string, timeoutMs = this.timeoutMs): Promise<Execution> {
    const path = `/api/v1/executions/${encodeURIComponent(id)}`;
    return (await request<Execution>(this.http, { method: 'GET', path, timeoutMs })).body;
  }

  /**
   * Submit, wait, and when the gateway's own wait runs out first (202), poll until the execution finishes.
   * Past `timeoutMs` it throws KilnNetworkError TIMEOUT, with the execution's id when it was accepted.
   */
  async run(body: ExecutionRequest, options: RunOptions = {}): Promise<ExecutionResult> {
    const totalMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
    const deadline = Date.now() + totalMs;
    const remaining = () => Math.min(this.timeoutMs, deadline - Date.now());

    let execution = await this.submit(body, true, options.idempotencyKey, remaining());
    let delay = POLL_FIRST_DELAY_MS;
    while (!execution.result) {
      if (remaining() <= 0) {
        throw new KilnNetworkError(
          'TIMEOUT',
          `Execution ${execution.id} did not finish within ${totalMs} ms; read it later with getExecution`,
          { executionId: execution.id },
        );
      }
      await sleep(Math.min(delay, remaining()));
      delay = Math.min(delay * 2, POLL_MAX_DELAY_MS);
      if (remaining() > 0) execution = await this.getExecution(execution.id, remaining());
    }
    return execution.result;
  }

  /** The original design's endpoint: always synchronous, default limits, the original answer shape. */
  async executeLegacy(body: LegacyExecuteRequest): Promise<LegacyExecuteResponse> {
    const call = { method: 'POST', path: '/api/code/execute', body, timeoutMs: this.timeoutMs } as const;
    return (await request<LegacyExecuteResponse>(this.http, call)).body;
  }

  /** The languages whose executors are live, with the versions they report. */
  async languages(): Promise<LanguagesResponse> {
    const call = { method: 'GET', path: '/api/v1/languages', timeoutMs: this.timeoutMs } as const;
    return (await request<LanguagesResponse>(this.http, call)).body;
  }

  /** Liveness of the gateway process. */
  async health(): Promise<HealthResponse> {
    const call = { method: 'GET', path: '/health', timeoutMs: this.timeoutMs } as const;
    return (await request<HealthResponse>(this.http, call)).body;
  }

  /** Readiness; KilnApiError NOT_READY (503) names what is missing. */
  async ready(): Promise<ReadyResponse> {
    const call = { method: 'GET', path: '/ready', timeoutMs: this.timeoutMs } as const;
    return (await request<ReadyResponse>(this.http, call)).body;
  }

  /**
   * Submit one program against a list of tests: `finished` with its grade, or `queued`/`running` when it was
   * not waited for or the gateway's wait ran out; follow it with submissionEvents or getSubmission.
   */
  async createSubmission(body: SubmissionRequest, options: SubmitOptions = {}): Promise<Submission> {
    const path = `/api/v1/submissions${waitQuery(options.wait)}`;
    const call = { method: 'POST', path, body, idempotencyKey: options.idempotencyKey } as const;
    return (await request<Submission>(this.http, { ...call, timeoutMs: this.timeoutMs })).body;
  }

  /** Read a submission back, with its progress and, once `finished`, its grade. */
  async getSubmission(id: string): Promise<Submission> {
    return this.get<Submission>(`/api/v1/submissions/${encodeURIComponent(id)}`);
  }

  /**
   * The submission's events as they happen: `progress` ({ done, total }) and last `finished` (the graded
   * submission), after which the iteration ends. A stream that breaks first throws KilnNetworkError.
   */
  submissionEvents(id: string, options: EventsOptions = {}): AsyncGenerator<SubmissionEvent> {
    const path = `/api/v1/submissions/${encodeURIComponent(id)}/events`;
    return followEvents<SubmissionProgress, Submission>(this.http, path, this.timeoutMs, options);
  }

  /** Grade many submissions against the same tests; answers at once with the batch's counts. */
  async createBatch(body: BatchRequest, options: IdempotencyOptions = {}): Promise<Batch> {
    const path = '/api/v1/batches';
    const call = { method: 'POST', path, body, idempotencyKey: options.idempotencyKey } as const;
    return (await request<Batch>(this.http, { ...call, timeoutMs: this.timeoutMs })).body;
  }

  /** The batch's state and its counts by item state and by verdict. */
  async getBatch(id: string): Promise<Batch> {
    return this.get<Batch>(`/api/v1/batches/${encodeURIComponent(id)}`);
  }

  /** Every item of the batch with its grade once finished. */
  async getBatchResults(id: string): Promise<BatchResults> {
    return this.get<BatchResults>(`/api/v1/batches/${encodeURIComponent(id)}/results`);
  }

  /**
   * The results as the gateway's CSV (id,submission_id,language,state,verdict,score,max_score,passed,tests,
   * time_ms_max,memory_kb_max), returned byte for byte as sent.
   */
  async getBatchResultsCsv(id: string): Promise<string> {
    // Both the Accept header and ?format=csv ask for CSV, so neither a proxy rewriting Accept nor a gateway
    // honouring only one of them turns the answer into JSON.
    const path = `/api/v1/batches/${encodeURIComponent(id)}/results?format=csv`;
    return requestText(this.http, { method: 'GET', path, timeoutMs: this.timeoutMs }, 'text/csv');
  }

  /** The batch as its counts change (`progress`), then `finished` with the final batch; then it ends. */
  batchEvents(id: string, options: EventsOptions = {}): AsyncGenerator<BatchEvent> {
    const path = `/api/v1/batches/${encodeURIComponent(id)}/events`;
    return followEvents<Batch, Batch>(this.http, path, this.timeoutMs, options);
  }

  /** Queue again the items whose verdict is internal_error (Kiln's fault, not the program's). */
  async rejudgeBatch(id: string, options: IdempotencyOptions = {}): Promise<Batch> {
    const path = `/api/v1/batches/${encodeURIComponent(id)}/rejudge`;
    const call = { method: 'POST', path, idempotencyKey: options.idempotencyKey } as const;
    return (await request<Batch>(this.http, { ...call, timeoutMs: this.timeoutMs })).body;
  }

  private async get<T>(path: string): Promise<T> {
    return (await request<T>(this.http, { method: 'GET', path, timeoutMs: this.timeoutMs })).body;
  }

  private async submit(
    body: ExecutionRequest,
    wait: boolean | undefined,
    idempotencyKey: string | undefined,
    timeoutMs: number,
  ) {
    const path = `/api/v1/executions${waitQuery(wait)}`;
    const call = { method: 'POST', path, body, idempotencyKey, timeoutMs } as const;
    return (await request<Execution>(this.http, call)).body;
  }
}
