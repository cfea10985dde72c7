import { METHODS } from 'node:http';
import { LANGUAGES } from '@kiln/protocol';
import fc from 'fast-check';

/** Generators of hostile input shared by the fuzz suites (test/fuzz-*.test.ts). */

export const language = fc.constantFrom(...LANGUAGES);

/** Any method inject accepts (Node's list); methods Node itself refuses are sent over a socket instead. */
export const method = fc.constantFrom(...METHODS);

export const json = fc.jsonValue({ maxDepth: 3 });

const nonInteger = fc
  .double({ noNaN: true, noDefaultInfinity: true })
  .filter((x) => !Number.isInteger(x) && !Object.is(x, -0));

const JSON_TYPES = ['string', 'number', 'boolean', 'null', 'array', 'object'] as const;
type JsonType = (typeof JSON_TYPES)[number];
const ofType: Record<JsonType, fc.Arbitrary<unknown>> = {
  string: fc.oneof(fc.string(), fc.constantFrom('NaN', 'Infinity', '1e308', '-1', '10', 'true', 'null')),
  number: fc.oneof(fc.integer(), nonInteger, fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2)),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.array(json, { maxLength: 3 }),
  object: fc.dictionary(fc.string({ maxLength: 8 }), json, { maxKeys: 3 }),
};

/** A JSON value of any type but `type`; for `integer`, a fractional number is of the wrong type too. */
export function wrongType(type: JsonType | 'integer'): fc.Arbitrary<unknown> {
  const others = JSON_TYPES.filter((t) => t !== type && !(type === 'integer' && t === 'number'));
  const arbitraries = others.map((t) => ofType[t]);
  return fc.oneof(...(type === 'integer' ? [nonInteger, ...arbitraries] : arbitraries));
}

/** Limits no server takes: zero, negative, past any maximum, fractional, or a number spelt as a string. */
export const absurdLimit = fc.oneof(
  fc.integer({ max: 0 }),
  fc.constantFrom(1e308, -1e308, 2 ** 53, Number.MAX_VALUE, 10_000_000),
  nonInteger,
  fc.constantFrom('NaN', '-1', '1e308', '100', 'Infinity', ''),
);

export const unknownLanguage = fc
  .oneof(
    fc.constantFrom(
      'cobol',
      'Python',
      'PYTHON',
      ' python',
      'python ',
      'c++',
      'js',
      'node',
      '',
      'pyth\u00f6n',
    ),
    fc.string({ maxLength: 30 }),
  )
  .filter((name) => !(LANGUAGES as readonly string[]).includes(name));

const byteLength = (text: string) => Buffer.byteLength(text, 'utf8');

/** Text of at most `maxBytes` UTF-8 bytes: ASCII, any code point, or whole graphemes (emoji, accents). */
export function textWithin(maxBytes: number): fc.Arbitrary<string> {
  return fc
    .oneof(
      fc.string({ unit: 'grapheme-ascii', maxLength: Math.min(maxBytes, 300) }),
      fc.string({ unit: 'binary', maxLength: Math.floor(maxBytes / 4) }),
      fc.string({ unit: 'grapheme', maxLength: Math.floor(maxBytes / 16) }),
    )
    .filter((text) => byteLength(text) <= maxBytes);
}

/** Text just past `maxBytes` UTF-8 bytes, or far past it: multi-byte characters count in bytes, not chars. */
export function textOver(maxBytes: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom('x', 'é', '€', '😀', '\n', '"', '\\', '\u0000'), fc.integer({ min: 1, max: 4 }))
    .map(([unit, factor]) => unit.repeat(Math.ceil(((maxBytes + 1) * factor) / byteLength(unit))));
}

/** JSON text nested thousands of levels deep (arrays, objects, or both), yet under every body limit. */
export const deepJson = fc
  .tuple(fc.integer({ min: 1_000, max: 5_000 }), fc.constantFrom('[', '{"a":', '[{"a":'))
  .map(([depth, open]) => {
    const close = open === '[' ? ']' : open === '{"a":' ? '}' : '}]';
    return `${open.repeat(depth)}0${close.repeat(depth)}`;
  });

/** Text that is not JSON: a strict prefix of valid JSON, trailing garbage, or random text. */
export function malformedJson(valid: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.integer({ min: 0, max: Math.max(0, valid.length - 1) }).map((end) => valid.slice(0, end)),
    fc.string({ minLength: 1, maxLength: 10 }).map((tail) => `${valid}}${tail}`),
    fc.constantFrom('', ' ', '\n', 'null null', "{'a':1}", '{"a":1,}', '[1,]', 'NaN', '{"a":01}', '\u0000'),
    fc.string({ maxLength: 40 }).filter((text) => {
      try {
        JSON.parse(text);
        return false;
      } catch {
        return true;
      }
    }),
  );
}

/** Idempotency-Key values the API refuses: empty, too long, or with a character outside visible ASCII. */
export const badIdempotencyKey = fc.oneof(
  fc.constant(''),
  fc.string({ unit: fc.constantFrom('a', 'Z', '9', '-'), minLength: 256, maxLength: 600 }),
  fc
    .tuple(
      fc.string({ unit: 'grapheme-ascii', maxLength: 20 }),
      fc.constantFrom(' ', '\t', 'é', '😀', '\u007f', 'ü'),
      fc.string({ unit: 'grapheme-ascii', maxLength: 20 }),
    )
    .map(([a, bad, b]) => `${a}${bad}${b}`),
);

/** A visible-ASCII key; the caller makes it unique so that no two bodies share one. */
export const goodIdempotencyKey = fc.string({
  unit: fc.integer({ min: 0x21, max: 0x7e }).map((code) => String.fromCharCode(code)),
  minLength: 1,
  maxLength: 64,
});

export const jsonContentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'Application/JSON',
);

/** Content types that are plainly not JSON (415), and garbage without "json" in it. */
export const notJsonContentType = fc.oneof(
  fc.constantFrom(
    'text/plain',
    'text/html; charset=utf-8',
    'application/xml',
    'application/x-www-form-urlencoded',
    'multipart/form-data; boundary=x',
    'application/octet-stream',
    'text/csv',
    ';;;',
    '*/*',
  ),
  fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 30 }).filter((t) => !/json/i.test(t)),
);

/** Headers a client may send that no route reads: random names, and known ones with garbage values. */
export const extraHeaders = fc.dictionary(
  fc.oneof(
    fc.stringMatching(/^x-[a-z0-9-]{1,20}$/),
    fc.constantFrom(
      'accept',
      'accept-encoding',
      'accept-language',
      'user-agent',
      'origin',
      'referer',
      'cookie',
    ),
  ),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 }),
  { maxKeys: 4 },
);

/** A path segment: a URL-encoded random string, or raw characters (bad escapes among them), or a long run. */
export const junkSegment = fc.oneof(
  fc.string({ maxLength: 40 }).map(encodeURIComponent),
  fc
    .array(
      fc.constantFrom(
        '%',
        'a',
        'Z',
        '0',
        '-',
        '.',
        '_',
        '~',
        '%2F',
        '%00',
        '%zz',
        '%ff',
        '%e2%82',
        ':',
        '@',
        '!',
      ),
      { maxLength: 20 },
    )
    .map((parts) => parts.join('')),
  fc.integer({ min: 90, max: 3_000 }).map((n) => 'a'.repeat(n)),
);

/** A query string (with its `?`): none, URL-encoded random pairs, or raw junk with bad escapes. */
export const junkQuery = fc.oneof(
  fc.constant(''),
  fc
    .dictionary(fc.string({ maxLength: 10 }), fc.string({ maxLength: 20 }), { maxKeys: 3 })
    .map((pairs) => `?${new URLSearchParams(pairs)}`),
  fc
    .array(fc.constantFrom('%', '&', '=', '[', ']', '+', 'a', '%zz', '%ff', 'wait', '__proto__', ';'), {
      maxLength: 12,
    })
    .map((parts) => `?${parts.join('')}`),
);

/**
 * Authorization and X-API-Key headers for `key` (see support/keys.ts): `right` carries it as a client may
 * (either scheme spelling, blanks around it), `wrong` carries none, garbage, its hash, or an overlong value.
 */
export function apiKeyHeaders(key: { key: string; sha256: string }) {
  /** Header text: visible ASCII and Latin-1, blanks, a Bearer prefix now and then, sometimes very long. */
  const text = fc.oneof(
    fc.string({
      unit: fc
        .integer({ min: 0x20, max: 0xff })
        .filter((c) => c < 0x7f || c >= 0xa0)
        .map((c) => String.fromCharCode(c)),
      maxLength: 80,
    }),
    fc.string({ unit: 'grapheme-ascii', maxLength: 80 }).map((rest) => `Bearer ${rest}`),
    fc.constantFrom(
      '',
      ' ',
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      `Bearer ${'f'.repeat(64)}`,
      key.sha256,
      `Bearer ${key.sha256}`,
    ),
    fc.integer({ min: 513, max: 20_000 }).map((n) => `Bearer ${'a'.repeat(n)}`),
  );
  /** The right key, as a client may send it: either scheme spelling, blanks around it. */
  const right = fc.oneof(
    fc
      .tuple(
        fc.constantFrom('Bearer', 'bearer', 'BEARER'),
        fc.constantFrom(' ', '  ', '\t'),
        fc.constantFrom('', ' '),
      )
      .map(([scheme, gap, tail]) => ({ authorization: `${scheme}${gap}${key.key}${tail}` })),
    fc.constantFrom('', ' ').map((blank) => ({ 'x-api-key': `${blank}${key.key}${blank}` })),
  );
  const wrong = fc.oneof(
    fc.constant({}),
    text.map((value) => ({ authorization: value })),
    text.map((value) => ({ 'x-api-key': value })),
    fc.tuple(text, text).map(([authorization, other]) => ({ authorization, 'x-api-key': other })),
  );
  return { right, wrong };
}
