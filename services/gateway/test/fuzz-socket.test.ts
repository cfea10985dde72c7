import { METHODS } from 'node:http';
import { describe, expect, it } from 'vitest';
import { caseCounter, checkAnswer, checkProperty, FUZZ_ENV, runs } from './support/fuzz.js';
import { HOST, rawCases } from './support/fuzz-raw.js';
import { useGateway } from './support/gateway.js';
import { exchange, head } from './support/raw-http.js';

/**
 * Raw bytes over a real socket, for what inject cannot send or parses differently: invalid UTF-8 in a body,
 * bodies longer or shorter than their Content-Length, malformed framing, request lines and headers. Node's
 * HTTP parser and Fastify's body reading are in the path here.
 */

const kiln = useGateway({ env: FUZZ_ENV, listen: true });
const count = caseCounter('socket');

/** What a case was aimed at, from its request line, for the per-endpoint counts. */
function target(parts: Buffer[]): string {
  const line = Buffer.concat(parts).toString('latin1').split('\r\n', 1)[0] ?? '';
  const [, method = '', path = ''] = /^([A-Z]+) (\/[^ ?]*)[^ ]* HTTP\/1\.1$/.exec(line) ?? [];
  if (!METHODS.includes(method))
    return method ? 'unknown methods (socket)' : 'malformed request lines (socket)';
  return path.startsWith('/nowhere/') ? 'unknown routes (socket)' : `${method} ${path} (socket)`;
}

describe('fuzzing over a real socket', () => {
  it('never answers 5xx, answers every 4xx in the error shape, and keeps serving', async () => {
    await checkProperty(
      rawCases,
      async ({ what, parts, expect: expected, status, answered, end }) => {
        count(target(parts));
        const { answers, rest, closed } = await exchange(kiln.port, parts, end);
        const label = `socket [${what}]`;
        if (rest.startsWith('HTTP/'))
          throw new Error(`${label}: a response was cut short: ${rest.slice(0, 300)}`);
        if (answered && answers.length === 0) throw new Error(`${label}: no answer (closed: ${closed})`);
        answers.forEach((answer, i) => {
          checkAnswer(label, answer, i === 0 ? expected : 'either', i === 0 && status ? { status } : {});
        });
      },
      runs(300),
    );
    const health = await exchange(kiln.port, [head('GET /health HTTP/1.1', HOST)]);
    expect(health.answers.map((answer) => answer.status)).toEqual([200]);
  });
});
