import { KilnApiError, KilnNetworkError } from './errors.js';
import { type RetryPolicy, withRetries } from './retry.js';

/** One HTTP exchange with the gateway: JSON (or CSV, or an event stream) back, and every failure as a Kiln error. */

export interface HttpSettings {
  baseUrl: string;
  apiKey: string | undefined;
  fetch: typeof fetch;
  /** Off (undefined) unless the caller asked for retries. */
  retry: RetryPolicy | undefined;
}

export interface HttpCall {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  timeoutMs: number;
  /** Sent as `Idempotency-Key`, so a POST retried after a lost answer does not create the work twice. */
  idempotencyKey?: string | undefined;
}

export interface HttpAnswer<T> {
  status: number;
  body: T;
}

/** Seconds from `Retry-After`, which may be delta-seconds or an HTTP date. */
function retryAfterSeconds(header: string | null): number | undefined {
  if (header === null) return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - Date.now()) / 1000));
}

function isErrorBody(body: unknown): body is { error: { code: string; message: string } } {
  if (typeof body !== 'object' || body === null || !('error' in body)) return false;
  const error = body.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    'code' in error &&
    typeof error.code === 'string' &&
    'message' in error &&
    typeof error.message === 'string'
  );
}

/** A proxy in front of the gateway may answer with HTML or nothing: the status still has to reach the caller. */
function apiError(response: Response, body: unknown): KilnApiError {
  const retryAfter = retryAfterSeconds(response.headers.get('retry-after'));
  if (isErrorBody(body)) {
    return new KilnApiError(response.status, body.error.code, body.error.message, retryAfter);
  }
  const message = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`;
  return new KilnApiError(response.status, `HTTP_${response.status}`, message, retryAfter);
}

function causeText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // undici reports every connection failure as "fetch failed"; the useful part (ECONNREFUSED…) is its cause.
  return err.cause instanceof Error ? `${err.message}: ${err.cause.message}` : err.message;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** "POST /api/v1/batches": how messages name a call, without its query string. */
export function describeCall(call: Pick<HttpCall, 'method' | 'path'>): string {
  return `${call.method} ${call.path.split('?')[0]}`;
}

function headersFor(settings: HttpSettings, call: HttpCall, accept: string): Record<string, string> {
  const headers: Record<string, string> = { accept };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  if (settings.apiKey !== undefined) headers.authorization = `Bearer ${settings.apiKey}`;
  if (call.idempotencyKey !== undefined) headers['idempotency-key'] = call.idempotencyKey;
  return headers;
}

function networkError(what: string, err: unknown, timedOut: boolean, timeoutMs: number): KilnNetworkError {
  if (timedOut) {
    return new KilnNetworkError('TIMEOUT', `${what} got no answer within ${timeoutMs} ms`, { cause: err });
  }
  return new KilnNetworkError('NETWORK_ERROR', `${what} failed: ${causeText(err)}`, { cause: err });
}

/** The whole answer as text; a non-2xx answer throws KilnApiError from its JSON error body. */
function exchange(settings: HttpSettings, call: HttpCall, accept: string) {
  return withRetries(settings.retry, call.timeoutMs, (timeoutMs) =>
    exchangeOnce(settings, { ...call, timeoutMs }, accept),
  );
}

async function exchangeOnce(settings: HttpSettings, call: HttpCall, accept: string) {
  // The signal also covers reading the body, so a server that stalls mid-answer is cut off too.
  const signal = AbortSignal.timeout(Math.max(0, call.timeoutMs));
  let response: Response;
  let text: string;
  try {
    response = await settings.fetch(`${settings.baseUrl}${call.path}`, {
      method: call.method,
      headers: headersFor(settings, call, accept),
      body: call.body === undefined ? null : JSON.stringify(call.body),
      signal,
    });
    text = await response.text();
  } catch (err) {
    throw networkError(describeCall(call), err, signal.aborted, call.timeoutMs);
  }
  if (!response.ok) throw apiError(response, parseJson(text));
  return { response, text };
}

export async function request<T>(settings: HttpSettings, call: HttpCall): Promise<HttpAnswer<T>> {
  const { response, text } = await exchange(settings, call, 'application/json');
  const body = parseJson(text);
  if (body === undefined) {
    throw new KilnApiError(
      response.status,
      'INVALID_RESPONSE',
      `${describeCall(call)} answered without a JSON body`,
    );
  }
  return { status: response.status, body: body as T };
}

/** A text answer (CSV), returned exactly as the gateway sent it. */
export async function requestText(settings: HttpSettings, call: HttpCall, accept: string): Promise<string> {
  return (await exchange(settings, call, accept)).text;
}

/**
 * Open a `text/event-stream`. `timeoutMs` bounds only the wait for the answer's headers (retries included): the
 * stream itself lasts as long as the work it follows, so only the caller's `signal` ends it early.
 */
export function openEventStream(
  settings: HttpSettings,
  call: HttpCall,
  signal: AbortSignal | undefined,
): Promise<ReadableStream<Uint8Array>> {
  return withRetries(
    settings.retry,
    call.timeoutMs,
    (timeoutMs) => openEventStreamOnce(settings, { ...call, timeoutMs }, signal),
    signal,
  );
}

async function openEventStreamOnce(
  settings: HttpSettings,
  call: HttpCall,
  signal: AbortSignal | undefined,
): Promise<ReadableStream<Uint8Array>> {
  const connect = new AbortController();
  const timer = setTimeout(() => connect.abort(), Math.max(0, call.timeoutMs));
  let response: Response;
  try {
    response = await settings.fetch(`${settings.baseUrl}${call.path}`, {
      method: call.method,
      headers: headersFor(settings, call, 'text/event-stream'),
      signal: signal ? AbortSignal.any([signal, connect.signal]) : connect.signal,
    });
    if (!response.ok) throw apiError(response, parseJson(await response.text()));
  } catch (err) {
    if (err instanceof KilnApiError) throw err;
    if (signal?.aborted) throw signal.reason;
    throw networkError(describeCall(call), err, connect.signal.aborted, call.timeoutMs);
  } finally {
    clearTimeout(timer);
  }
  const type = response.headers.get('content-type') ?? '';
  if (response.body === null || !type.toLowerCase().startsWith('text/event-stream')) {
    await response.body?.cancel();
    throw new KilnApiError(
      response.status,
      'INVALID_RESPONSE',
      `${describeCall(call)} answered with "${type}", not an event stream`,
    );
  }
  return response.body;
}
