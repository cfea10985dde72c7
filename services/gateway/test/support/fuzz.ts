import fc from 'fast-check';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { afterAll } from 'vitest';

/**
 * The property every fuzzed request is held to: never a 5xx, every 4xx in the API's error shape, and the
 * class of answer its case expects: `ok` a 2xx, `refused` a 4xx (`status` says which), `either` any non-5xx.
 */
export type Expect = 'ok' | 'refused' | 'either';

export interface FuzzCase {
  /** What was done to the request, shown when the property fails. */
  what: string;
  method: NonNullable<InjectOptions['method']>;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer;
  expect: Expect;
  /** The exact 4xx a refused case must get, when one mistake decides it. */
  status?: number;
}

/** One HTTP answer, from inject or from a raw socket. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

/**
 * Settings every fuzzed gateway starts with: bound to localhost (so an open API is allowed) and no rate limit,
 * since the suites send thousands of requests a minute from one address and a 429 would hide every answer.
 */
export const FUZZ_ENV = { KILN_HOST: '127.0.0.1', KILN_RATE_LIMIT_PER_MINUTE: '0' };

export const SNAKE_CASE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

function fail(label: string, answer: Answer, rule: string): never {
  throw new Error(`${label}: ${rule}; got ${answer.status} ${answer.body.slice(0, 400)}`);
}

/** Throws (for fast-check to shrink) unless `answer` is a 4xx in the `{ error: { code, message } }` shape. */
export function checkErrorBody(label: string, answer: Answer): void {
  if (!String(answer.headers['content-type'] ?? '').startsWith('application/json'))
    fail(label, answer, 'an error must be JSON');
  let body: unknown;
  try {
    body = JSON.parse(answer.body);
  } catch {
    fail(label, answer, 'an error body must parse as JSON');
  }
  const error = (body as { error?: unknown } | null)?.error as Record<string, unknown> | undefined;
  const keys = (value: object | null | undefined) => Object.keys(value ?? {}).sort();
  if (JSON.stringify(keys(body as object)) !== '["error"]' || typeof error !== 'object' || error === null)
    fail(label, answer, 'an error body is exactly { error }');
  if (JSON.stringify(keys(error)) !== '["code","message"]')
    fail(label, answer, 'an error is exactly { code, message }');
  if (typeof error.code !== 'string' || !SNAKE_CASE.test(error.code))
    fail(label, answer, 'an error code is SNAKE_CASE');
  if (typeof error.message !== 'string' || error.message.trim() === '')
    fail(label, answer, 'an error message is a sentence');
}

/** Throws unless `answer` keeps the property for a case expecting `expect` (see Expect). */
export function checkAnswer(
  label: string,
  answer: Answer,
  expect: Expect,
  options: { status?: number; head?: boolean } = {},
): void {
  const { status } = answer;
  if (status >= 500) fail(label, answer, 'never a 5xx');
  if (status < 200) fail(label, answer, 'a final status');
  // A HEAD answer has the GET's headers and no body to check.
  if (status >= 400 && !options.head) checkErrorBody(label, answer);
  if (expect === 'ok' && (status < 200 || status >= 300)) fail(label, answer, 'a valid request gets a 2xx');
  if (expect === 'refused' && status < 400) fail(label, answer, 'an invalid request gets a 4xx');
  if (expect === 'refused' && options.status !== undefined && status !== options.status)
    fail(label, answer, `this mistake gets a ${options.status}`);
}

/** Cases run per endpoint, printed once the file is done: the closing note quotes them. */
export function caseCounter(file: string): (endpoint: string) => void {
  const counts = new Map<string, number>();
  afterAll(() => {
    const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
    const lines = [...counts].map(([endpoint, n]) => `  ${String(n).padStart(6)}  ${endpoint}`);
    console.log(`fuzz ${file}: ${total} cases\n${lines.join('\n')}`);
  });
  return (endpoint) => counts.set(endpoint, (counts.get(endpoint) ?? 0) + 1);
}

/** Send one case in-process, count it under `endpoint` and check the property; answers for follow-ups. */
export async function injectCase(
  gateway: FastifyInstance,
  count: (endpoint: string) => void,
  endpoint: string,
  fuzzCase: FuzzCase,
): Promise<Answer> {
  const { what, expect, status, ...request } = fuzzCase;
  count(endpoint);
  const res = await gateway.inject(request);
  const answer = { status: res.statusCode, headers: res.headers, body: res.body };
  const label = `${endpoint} [${what}] ${request.method} ${request.url.slice(0, 200)}`;
  checkAnswer(label, answer, expect, { head: request.method === 'HEAD', ...(status ? { status } : {}) });
  return answer;
}

const clip = (text: string, max = 300) =>
  text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;

/** A case as a failure shows it: bytes as text, and every long string clipped, so the report stays readable. */
function show(value: unknown): string {
  return JSON.stringify(value, (_, field: unknown) => {
    const bytes = field as { type?: string; data?: number[] };
    if (bytes?.type === 'Buffer' && Array.isArray(bytes.data))
      return clip(Buffer.from(bytes.data).toString('latin1'));
    return typeof field === 'string' ? clip(field) : field;
  });
}

/**
 * Check an async property over `cases` (fast-check shrinks a failure to a small counterexample) and fail
 * with the seed and the clipped counterexample. KILN_FUZZ_SEED=<seed> replays a failed run's cases.
 */
export async function checkProperty<T>(
  cases: fc.Arbitrary<T>,
  property: (value: T) => Promise<unknown>,
  numRuns: number,
): Promise<void> {
  const details = await fc.check(
    fc.asyncProperty(cases, async (value) => {
      await property(value);
    }),
    { numRuns, ...(process.env.KILN_FUZZ_SEED ? { seed: Number(process.env.KILN_FUZZ_SEED) } : {}) },
  );
  if (!details.failed) return;
  const { seed, counterexamplePath, counterexample, errorInstance, numRuns: ran } = details;
  const message = errorInstance instanceof Error ? errorInstance.message : String(errorInstance);
  throw new Error(
    `property failed after ${ran} cases (seed ${seed}, path "${counterexamplePath}")\n` +
      `counterexample: ${show(counterexample?.[0])}\n${clip(message, 2000)}`,
  );
}

/**
 * numRuns for a property: `base` scaled by KILN_FUZZ_SCALE (default 1), so a deeper run is one variable
 * away (`KILN_FUZZ_SCALE=20 pnpm test fuzz`) while CI stays within its time budget.
 */
export function runs(base: number): number {
  const scale = Number(process.env.KILN_FUZZ_SCALE ?? '1');
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}
