import fc from 'fast-check';
import type { FuzzCase } from './fuzz.js';
import {
  badIdempotencyKey,
  extraHeaders,
  goodIdempotencyKey,
  jsonContentType,
  junkQuery,
  junkSegment,
  notJsonContentType,
  wrongType,
} from './fuzz-arbitraries.js';
import { type BodyShape, bodyMutations } from './fuzz-bodies.js';

/** Whole fuzzed requests: valid ones, one mistake in the body or around it, and reads by random ids. */

export const JSON_HEADERS = { 'content-type': 'application/json' };

/** Limits a request may ask for under the default server maximums. */
export const validLimits = fc.record(
  {
    timeMs: fc.integer({ min: 1, max: 30_000 }),
    cpuTimeMs: fc.integer({ min: 1, max: 20_000 }),
    memoryMb: fc.integer({ min: 1, max: 256 }),
    outputKb: fc.integer({ min: 1, max: 1024 }),
  },
  { requiredKeys: [] },
);

export const validCallbackUrl = fc.constantFrom(
  'https://example.com/hooks/kiln',
  'http://93.184.215.14:8080/x?y=1',
);

export const badCallbackUrl = fc.oneof(
  wrongType('string'),
  fc.constantFrom(
    '',
    'not a url',
    'ftp://example.com/x',
    'http://127.0.0.1/x',
    'http://user:pw@example.com/',
    'http://localhost:8080/',
    'http://[::1]/',
    'http://169.254.169.254/latest/meta-data',
    'javascript:alert(1)',
    `https://example.com/${'a'.repeat(2048)}`,
  ),
);

let keys = 0;

/** A valid request, sent with any JSON content type, a fresh Idempotency-Key or none, and stray headers. */
export function validCase(url: fc.Arbitrary<string>, body: fc.Arbitrary<unknown>): fc.Arbitrary<FuzzCase> {
  return fc
    .record({ url, body, type: jsonContentType, key: fc.option(goodIdempotencyKey), extra: extraHeaders })
    .map(({ url, body, type, key, extra }) => ({
      what: 'valid',
      method: 'POST' as const,
      url,
      headers: {
        ...extra,
        'content-type': type,
        // Unique, so that no key is reused with another body (that 422 has its own tests).
        ...(key === null ? {} : { 'idempotency-key': `${key}#${keys++}` }),
      },
      payload: JSON.stringify(body),
      expect: 'ok' as const,
    }));
}

/** A valid body with exactly one mistake in it (see bodyMutations), each refused with its 4xx. */
export function bodyCases(
  url: string,
  valid: fc.Arbitrary<unknown>,
  shape: BodyShape,
): fc.Arbitrary<FuzzCase> {
  return bodyMutations(valid, shape).map(({ what, text, status }) => ({
    what,
    method: 'POST' as const,
    url,
    headers: JSON_HEADERS,
    payload: text,
    expect: 'refused' as const,
    status,
  }));
}

/**
 * A valid body with one mistake around it: the content type (415), the Idempotency-Key (400), and for a
 * route taking `?wait`, an unknown query parameter or a `wait` that is not a boolean (400).
 */
export function requestMistakes(
  url: string,
  body: fc.Arbitrary<unknown>,
  waitQuery: boolean,
): fc.Arbitrary<FuzzCase> {
  const post = (what: string, headers: Record<string, string>, b: unknown, status: number, to = url) => ({
    what,
    method: 'POST' as const,
    url: to,
    headers,
    payload: JSON.stringify(b),
    expect: 'refused' as const,
    status,
  });
  const mistakes = [
    fc
      .tuple(body, notJsonContentType)
      .map(([b, type]) => post(`content-type ${type}`, { 'content-type': type }, b, 415)),
    body.map((b) => post('no content-type', {}, b, 415)),
    fc
      .tuple(body, badIdempotencyKey)
      .map(([b, key]) =>
        post(
          `idempotency-key ${JSON.stringify(key).slice(0, 40)}`,
          { ...JSON_HEADERS, 'idempotency-key': key },
          b,
          400,
        ),
      ),
  ];
  if (waitQuery) {
    const unknownParam = fc.string({ minLength: 1, maxLength: 10 }).filter((name) => name !== 'wait');
    const badWait = fc.constantFrom(
      'maybe',
      'yes',
      'no',
      '2',
      '-1',
      'null',
      'undefined',
      'truee',
      '[]',
      '{}',
    );
    const query = (pairs: Record<string, string>) => `${url}?${new URLSearchParams(pairs)}`;
    mistakes.push(
      fc
        .tuple(body, unknownParam)
        .map(([b, name]) => post(`query ${name}`, JSON_HEADERS, b, 400, query({ [name]: '1' }))),
      fc.tuple(body, badWait).map(([b, wait]) => post(`wait=${wait}`, JSON_HEADERS, b, 400, query({ wait }))),
      body.map((b) => post('wait twice', JSON_HEADERS, b, 400, `${url}?wait=false&wait=true`)),
    );
  }
  return fc.oneof(...mistakes);
}

const decodes = (segment: string) => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

export interface ReadOptions {
  method?: 'GET' | 'POST';
  /** The URL for an id segment (already encoded), e.g. `/api/v1/batches/${id}/results`. */
  url: (segment: string) => string;
  /** Ids that exist (read when each case is made, so a pool may fill up as earlier properties run). */
  known: () => readonly string[];
  /** Query strings and whether each is valid there (`undefined`: either answer is right). */
  query?: fc.Arbitrary<{ query: string; valid?: boolean }>;
}

/**
 * Reads by id: an id that exists (as is or percent-encoded), a random UUID, an existing one in capitals, or
 * junk; with a trailing slash, a stray segment, any query and stray headers. What exists must answer 2xx,
 * everything else a 4xx.
 */
export function readCases(options: ReadOptions): fc.Arbitrary<FuzzCase> {
  const known = fc.nat().map((n) => options.known()[n % Math.max(1, options.known().length)] ?? '');
  const segment = fc.oneof(
    { weight: 3, arbitrary: known },
    { weight: 1, arbitrary: known.map(encodeURIComponent) },
    { weight: 2, arbitrary: fc.uuid() },
    { weight: 1, arbitrary: known.map((id) => id.toUpperCase()) },
    { weight: 3, arbitrary: junkSegment },
  );
  const query = options.query ?? junkQuery.map((query) => ({ query, valid: true }));
  const method = options.method ?? 'GET';
  return fc
    .record({
      segment,
      slash: fc.constantFrom('', '', '/', '/x', '//'),
      head: fc.boolean(),
      query,
      headers: extraHeaders,
    })
    .map(({ segment, slash, head, query, headers }): FuzzCase => {
      const decoded = decodes(segment);
      const exists = decoded !== undefined && decoded !== '' && options.known().includes(decoded);
      const routed = exists && (slash === '' || slash === '/');
      const expect =
        routed && query.valid ? 'ok' : routed && query.valid === undefined ? 'either' : 'refused';
      return {
        what: exists ? 'an id that exists' : 'no such id',
        method: method === 'GET' && head ? 'HEAD' : method,
        url: `${options.url(segment)}${slash}${query.query}`,
        headers,
        expect,
      };
    });
}
