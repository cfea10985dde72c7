import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Batch, BatchResults } from '@kiln/api';
import { describe, expect, it } from 'vitest';
import { judged, testResult } from './fixtures.js';
import { type Call, json, kiln, type Route, sse, withTempDir } from './support.js';

const tempDir = withTempDir();

const CSV =
  'id,submission_id,language,state,verdict,score,max_score,passed,tests,time_ms_max,memory_kb_max\r\n';

function batch(finished: number, total = 2): Batch {
  return {
    id: 'b-1',
    state: finished === total ? 'finished' : 'running',
    total,
    states: { queued: total - finished, running: 0, finished },
    verdicts: {},
    createdAt: 1_700_000_000_000,
  };
}

const accepted: BatchResults = {
  id: 'b-1',
  state: 'finished',
  results: [
    judged('alice', { tests: [testResult('1'), testResult('2', { timeMs: 25 })] }),
    judged('bob', { tests: [testResult('1'), testResult('2', { verdict: 'wrong_answer' })] }),
  ],
};

/** A gateway with one batch: created, streamed to the end, then its results. */
function gateway(
  results: BatchResults,
  events: Route = () => sse(['progress', batch(1)], ['finished', batch(2)]),
) {
  return (call: Call): Response | Promise<Response> => {
    if (call.method === 'POST' && call.path === '/api/v1/batches') return json(batch(0), 201);
    if (call.path === '/api/v1/batches/b-1/events') return events(call);
    if (call.path === '/api/v1/batches/b-1') return json(batch(2));
    if (call.path === '/api/v1/batches/b-1/results') return json(results);
    if (call.path === '/api/v1/batches/b-1/results?format=csv') {
      return new Response(CSV, { headers: { 'content-type': 'text/csv' } });
    }
    return json({ error: { code: 'NOT_FOUND', message: `no route ${call.path}` } }, 404);
  };
}

/** A tests folder with two tests and a submissions folder with alice.py and bob.cpp. */
async function folders() {
  const tests = join(tempDir(), 'tests');
  const subs = join(tempDir(), 'subs');
  await mkdir(tests);
  await mkdir(subs);
  await writeFile(join(tests, '1.in'), '1\n');
  await writeFile(join(tests, '1.out'), '2\n');
  await writeFile(join(tests, '2.in'), '2\n');
  await writeFile(join(tests, '2.out'), '3\n');
  await writeFile(join(subs, 'alice.py'), 'print(int(input()) + 1)\n');
  await writeFile(join(subs, 'bob.cpp'), 'int main() {}\n');
  return { tests, subs };
}

describe('kiln grade', () => {
  it('creates one batch, follows it, prints the summary and exits 0 when all were judged', async () => {
    const { tests, subs } = await folders();
    const run = await kiln(
      ['grade', '--tests', tests, '--checker', 'tokens', '--time-ms', '1000', subs],
      gateway(accepted),
    );
    expect(run.code).toBe(0);
    expect(run.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'POST /api/v1/batches',
      'GET /api/v1/batches/b-1/events',
      'GET /api/v1/batches/b-1/results',
    ]);
    expect(run.calls[0]?.body).toEqual({
      tests: [
        { name: '1', stdin: '1\n', expected: '2\n' },
        { name: '2', stdin: '2\n', expected: '3\n' },
      ],
      submissions: [
        { id: 'alice', language: 'python', code: 'print(int(input()) + 1)\n' },
        { id: 'bob', language: 'cpp', code: 'int main() {}\n' },
      ],
      checker: { type: 'tokens' },
      limits: { timeMs: 1000 },
    });
    expect(run.calls[0]?.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.stdout).toBe(
      [
        'ITEM   VERDICT       SCORE  PASSED  MAX TIME',
        'alice  accepted        2/2     2/2     25 ms',
        'bob    wrong_answer    1/2     1/2     10 ms',
        '',
        'accepted 1, wrong_answer 1 (2 submissions)',
        '',
      ].join('\n'),
    );
    expect(run.stderr).toBe(
      'kiln: batch b-1: 2 submissions, 2 tests each\nkiln: 0/2 judged, 2 queued\nkiln: 2/2 judged\n',
    );
  });

  it('with --format csv and no --output, writes the API CSV to stdout and the summary to stderr', async () => {
    const { tests, subs } = await folders();
    const run = await kiln(['grade', '-t', tests, '-f', 'csv', subs], gateway(accepted));
    expect(run).toMatchObject({ code: 0, stdout: CSV });
    expect(run.stderr).toContain('alice  accepted');
    expect(run.calls.at(-1)?.headers.get('accept')).toBe('text/csv');
  });

  it('with --output, writes the report to the file and the summary to stdout', async () => {
    const { tests, subs } = await folders();
    const output = join(tempDir(), 'report.xml');
    const run = await kiln(['grade', '-t', tests, '-f', 'junit', '-o', output, subs], gateway(accepted));
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('accepted 1, wrong_answer 1 (2 submissions)');
    const xml = await readFile(output, 'utf8');
    expect(xml).toMatch(
      /^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="kiln batch b-1" tests="4" failures="1"/,
    );

    const jsonRun = await kiln(['grade', '-t', tests, '-f', 'json', '-o', output, subs], gateway(accepted));
    expect(jsonRun.code).toBe(0);
    expect(JSON.parse(await readFile(output, 'utf8'))).toEqual(accepted);
  });

  it('exits 3 and points at rejudge when an item ended internal_error', async () => {
    const { tests, subs } = await folders();
    const broken = judged('bob', {
      verdict: 'internal_error',
      tests: [testResult('1', { verdict: 'internal_error' })],
    });
    const run = await kiln(
      ['grade', '-t', tests, subs],
      gateway({ ...accepted, results: [accepted.results[0]!, broken] }),
    );
    expect(run.code).toBe(3);
    expect(run.stdout).toContain('accepted 1, internal_error 1 (2 submissions)');
    expect(run.stderr).toContain('POST /api/v1/batches/b-1/rejudge queues them again');
  });

  it('polls the batch when its event stream breaks off', async () => {
    const { tests, subs } = await folders();
    const run = await kiln(
      ['grade', '-t', tests, subs],
      gateway(accepted, () => sse(['progress', batch(1)])),
    );
    expect(run.code).toBe(0);
    expect(run.calls.map((call) => `${call.method} ${call.path}`)).toEqual([
      'POST /api/v1/batches',
      'GET /api/v1/batches/b-1/events',
      'GET /api/v1/batches/b-1',
      'GET /api/v1/batches/b-1/results',
    ]);
  });

  it('sends the batch again with the same idempotency key when the answer was lost', async () => {
    const { tests, subs } = await folders();
    const route = gateway(accepted);
    let posts = 0;
    const run = await kiln(['grade', '-t', tests, subs], (call) => {
      if (call.method === 'POST' && ++posts === 1) throw new TypeError('fetch failed');
      return route(call);
    });
    expect(run.code).toBe(0);
    const keys = run.calls
      .filter((call) => call.method === 'POST')
      .map((call) => call.headers.get('idempotency-key'));
    expect(keys).toHaveLength(2);
    expect(keys[0]).toBe(keys[1]);
  });

  it('exits 2 naming the test without its pair, before calling the server', async () => {
    const { tests, subs } = await folders();
    await writeFile(join(tests, '3.in'), '');
    const run = await kiln(['grade', '-t', tests, subs], () => expect.fail('no call expected'));
    expect(run).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `kiln: Tests folder ${tests}: no .out for 3.in\n`,
    });
  });

  it('exits 4 when the server refuses the batch', async () => {
    const { tests, subs } = await folders();
    const run = await kiln(['grade', '-t', tests, subs], () =>
      json({ error: { code: 'UNAUTHORIZED', message: 'A valid API key is required' } }, 401),
    );
    expect(run).toMatchObject({
      code: 4,
      stderr:
        'kiln: the server refused: A valid API key is required [401 UNAUTHORIZED]; check --api-key or KILN_API_KEY\n',
    });
  });
});
