import { KilnApiError, KilnNetworkError } from './errors.js';

/** One HTTP exchange with the gateway: JSON in and out, a timeout, and every failure as a Kiln error. */

export interface HttpSettings {
  baseUrl: string;
  apiKey: string | undefined;
  fetch: typeof fetch;
}

export interface HttpCall {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
  timeoutMs: number;
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

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function request<T>(settings: HttpSettings, call: HttpCall): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (call.body !== undefined) headers['content-type'] = 'application/json';
  if (settings.apiKey !== undefined) headers.authorization = `Bearer ${settings.apiKey}`;
  const what = `${call.method} ${call.path.split('?')[0]}`;

  // The signal also covers reading the body, so a server that stalls mid-answer is cut off too.
  const signal = AbortSignal.timeout(Math.max(0, call.timeoutMs));
  let response: Response;
  let body: unknown;
  try {
    response = await settings.fetch(`${settings.baseUrl}${call.path}`, {
      method: call.method,
      headers,
      body: call.body === undefined ? null : JSON.stringify(call.body),
      signal,
    });
    body = await readJson(response);
  } catch (err) {
    if (signal.aborted) {
      throw new KilnNetworkError('TIMEOUT', `${what} got no answer within ${call.timeoutMs} ms`, {
        cause: err,
      });
    }
    throw new KilnNetworkError('NETWORK_ERROR', `${what} failed: ${causeText(err)}`, { cause: err });
  }

  if (!response.ok) throw apiError(response, body);
  if (body === undefined) {
    throw new KilnApiError(response.status, 'INVALID_RESPONSE', `${what} answered without a JSON body`);
  }
  return { status: response.status, body: body as T };
}
