import { isUtf8 } from 'node:buffer';
import { METHODS } from 'node:http';
import fc from 'fast-check';
import type { Expect } from './fuzz.js';
import { head } from './raw-http.js';

/**
 * Raw HTTP/1.1 cases for test/fuzz-socket.test.ts: bodies that are or are not UTF-8 (split across writes),
 * Content-Length and chunked framing that lies, request lines and headers Node's parser refuses, garbage.
 */

export interface RawCase {
  what: string;
  parts: Buffer[];
  expect: Expect;
  status?: number;
  /** Whether the server must answer at all (garbage that never forms a request may get no answer). */
  answered: boolean;
  /** Close the sending side after the last part: for requests that would otherwise wait for more bytes. */
  end?: boolean;
}

const POST = 'POST /api/v1/executions?wait=false HTTP/1.1';
const bytes = (text: string) => Buffer.from(text, 'latin1');
const envelope = (code: Buffer) => Buffer.concat([bytes('{"language":"python","code":"'), code, bytes('"}')]);
/** Every request asks the server to close once it has answered, so that the exchange ends at once. */
export const HOST: Array<[string, string]> = [
  ['Host', 'kiln'],
  ['Connection', 'close'],
];
const jsonHead = (length: number | string, extra: Array<[string, string]> = []) =>
  head(POST, [...HOST, ['Content-Type', 'application/json'], ['Content-Length', String(length)], ...extra]);

/** Cut `body` into up to four writes at random offsets: a multi-byte character may straddle two. */
const split = (body: Buffer) =>
  fc.array(fc.nat(), { maxLength: 3 }).map((cuts) => {
    const offsets = [...new Set(cuts.map((cut) => cut % (body.length + 1)))].sort((a, b) => a - b);
    return [0, ...offsets].map((start, i) => body.subarray(start, [...offsets, body.length][i]));
  });

/** The code string's bytes: escaped valid text, raw bytes (often not UTF-8), or valid text cut mid-character. */
const codeBytes = fc.oneof(
  fc
    .string({ unit: 'binary', maxLength: 30 })
    .map((text) => Buffer.from(JSON.stringify(text).slice(1, -1), 'utf8')),
  fc
    .array(
      fc.oneof(
        fc.integer({ min: 0x20, max: 0x7e }).filter((b) => b !== 0x22 && b !== 0x5c),
        fc.integer({ min: 0x80, max: 0xff }),
      ),
      {
        maxLength: 40,
      },
    )
    .map((values) => Buffer.from(values)),
  fc.nat().map((n) => {
    const text = Buffer.from('é€😀𝄞', 'utf8');
    return text.subarray(0, n % text.length);
  }),
);

const utf8Bodies = codeBytes.chain((code) => {
  const body = envelope(code);
  const valid = isUtf8(code);
  return split(body).map(
    (parts): RawCase => ({
      what: valid ? 'a valid UTF-8 body' : 'a body that is not UTF-8',
      parts: [jsonHead(body.length), ...parts],
      expect: valid ? 'ok' : 'refused',
      status: valid ? 202 : 400,
      answered: true,
    }),
  );
});

const validBody = envelope(bytes('print(1)'));

const framing = fc.oneof(
  fc.integer({ min: 1, max: 1000 }).map(
    (missing): RawCase => ({
      what: `Content-Length ${missing} past the body`,
      parts: [jsonHead(validBody.length + missing), validBody],
      expect: 'refused',
      answered: false,
      end: true,
    }),
  ),
  fc.integer({ min: 1, max: validBody.length - 1 }).map(
    (short): RawCase => ({
      what: `Content-Length ${short} short of the body`,
      parts: [jsonHead(validBody.length - short), validBody],
      expect: 'refused',
      status: 400,
      answered: true,
    }),
  ),
  fc.constantFrom('abc', '-1', '1.5', '', '0x10', '+5', '1 2', '99999999999999999999').map(
    (length): RawCase => ({
      what: `Content-Length "${length}"`,
      parts: [jsonHead(length), validBody],
      expect: 'refused',
      status: 400,
      answered: true,
    }),
  ),
  fc.constant<RawCase>({
    what: 'two Content-Lengths',
    parts: [jsonHead(validBody.length, [['Content-Length', String(validBody.length + 1)]]), validBody],
    expect: 'refused',
    status: 400,
    answered: true,
  }),
  fc.constant<RawCase>({
    what: 'Content-Length and chunked',
    parts: [jsonHead(validBody.length, [['Transfer-Encoding', 'chunked']]), validBody],
    expect: 'refused',
    status: 400,
    answered: true,
  }),
  split(validBody).map((pieces): RawCase => {
    const chunked = pieces
      .filter((piece) => piece.length > 0)
      .map((piece) => Buffer.concat([bytes(`${piece.length.toString(16)}\r\n`), piece, bytes('\r\n')]));
    return {
      what: 'a valid chunked body',
      parts: [
        head(POST, [...HOST, ['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']]),
        ...chunked,
        bytes('0\r\n\r\n'),
      ],
      expect: 'ok',
      status: 202,
      answered: true,
    };
  }),
  fc.constantFrom('zz', '-1', '', 'ffffffffffffffffff', `5;${'x'.repeat(20_000)}`).map(
    (size): RawCase => ({
      what: `chunk size "${size.slice(0, 20)}"`,
      parts: [
        head(POST, [...HOST, ['Content-Type', 'application/json'], ['Transfer-Encoding', 'chunked']]),
        bytes(`${size}\r\n{}\r\n0\r\n\r\n`),
      ],
      expect: 'refused',
      answered: true,
    }),
  ),
);

const anyByte = fc.integer({ min: 0, max: 255 });
const requestLines = fc.oneof(
  fc
    .stringMatching(/^[A-Z]{1,12}$/)
    .filter((name) => !METHODS.includes(name))
    .map(
      (name): RawCase => ({
        what: `method ${name}`,
        parts: [head(`${name} /health HTTP/1.1`, HOST)],
        expect: 'refused',
        status: 400,
        answered: true,
      }),
    ),
  fc.array(anyByte, { minLength: 1, maxLength: 30 }).map(
    (values): RawCase => ({
      what: 'raw bytes in the path',
      parts: [
        Buffer.concat([
          bytes('GET /nowhere/'),
          Buffer.from(values),
          bytes(' HTTP/1.1\r\nHost: kiln\r\nConnection: close\r\n\r\n'),
        ]),
      ],
      expect: 'refused',
      answered: true,
    }),
  ),
  fc
    .constantFrom(
      'GET /health HTTP/9.9',
      'GET /health',
      'GET  /health HTTP/1.1',
      'GET health HTTP/1.1',
      '/health HTTP/1.1',
    )
    .map(
      // Node's parser reads some of these leniently (no version: HTTP/0.9): any answer but a 5xx will do.
      (line): RawCase => ({
        what: `request line "${line}"`,
        parts: [bytes(`${line}\r\nHost: kiln\r\nConnection: close\r\n\r\n`)],
        expect: 'either',
        answered: false,
        end: true,
      }),
    ),
);

const headerCases = fc.oneof(
  fc
    .constantFrom<Array<[string, string]>>(
      [['X-Bad', 'a\u0000b']],
      [['Bad Name', 'x']],
      [['X-Bad', 'a\rb']],
      [['', 'x']],
      [['X-Fold', 'a\r\n folded']],
      [['X-Big', 'x'.repeat(20_000)]],
    )
    .map(
      (headers): RawCase => ({
        what: `header ${JSON.stringify(headers[0]?.[0])}`,
        parts: [head('GET /health HTTP/1.1', [...HOST, ...headers])],
        expect: 'refused',
        answered: true,
      }),
    ),
  fc.array(fc.integer({ min: 0x80, max: 0xff }), { minLength: 1, maxLength: 20 }).map(
    (values): RawCase => ({
      what: 'Idempotency-Key with bytes past ASCII',
      parts: [
        jsonHead(validBody.length, [['Idempotency-Key', Buffer.from(values).toString('latin1')]]),
        validBody,
      ],
      expect: 'refused',
      status: 400,
      answered: true,
    }),
  ),
);

const garbage = fc.uint8Array({ minLength: 1, maxLength: 200 }).map(
  (values): RawCase => ({
    what: 'random bytes',
    parts: [Buffer.from(values)],
    expect: 'either',
    answered: false,
    end: true,
  }),
);

/** Every kind of case, weighted towards bodies and framing, where inject and a socket differ most. */
export const rawCases = fc.oneof(
  { weight: 4, arbitrary: utf8Bodies },
  { weight: 3, arbitrary: framing },
  { weight: 2, arbitrary: requestLines },
  { weight: 2, arbitrary: headerCases },
  { weight: 1, arbitrary: garbage },
);
