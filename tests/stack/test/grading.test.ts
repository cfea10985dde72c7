import { beforeAll, describe, expect, it } from 'vitest';
import { type ApiResponse, api, until } from './support/http.js';
import { readEventStream } from './support/sse.js';
import { expectedGrade, SUM_PROGRAMS, SUM_TESTS, SUM_TIME_MS } from './support/sum-programs.js';

const COPIES = 10;
const CSV_HEADER =
  'id,submission_id,language,state,verdict,score,max_score,passed,tests,time_ms_max,memory_kb_max';

async function finishedBatch(id: string): Promise<ApiResponse> {
  return until(async () => {
    const batch = await api('GET', `/api/v1/batches/${id}`);
    expect(batch.status).toBe(200);
    return batch.json.state === 'finished' ? batch : undefined;
  }, 400_000);
}

describe('a batch of 50 C++ submissions: 5 sources × 10 copies, 10 tests each', () => {
  // Copies of a source side by side (correct-0 … correct-9, wrong-0 …), so that two graded at once compile
  // the same source at the same moment; the sources in an order that is not alphabetical.
  const items = SUM_PROGRAMS.flatMap((program) =>
    Array.from({ length: COPIES }, (_, copy) => ({ id: `${program.name}-${copy}`, program })),
  );
  const programOf = new Map(items.map((item) => [item.id, item.program]));
  let batch: ApiResponse;
  // biome-ignore lint/suspicious/noExplicitAny: asserted field by field below
  let results: any[];

  beforeAll(async () => {
    const created = await api('POST', '/api/v1/batches', {
      tests: SUM_TESTS,
      limits: { timeMs: SUM_TIME_MS },
      submissions: items.map(({ id, program }) => ({ id, language: 'cpp', code: program.code })),
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ state: 'running', total: 50 });
    batch = await finishedBatch(created.json.id);
    const response = await api('GET', `/api/v1/batches/${created.json.id}/results`);
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ id: created.json.id, state: 'finished' });
    results = response.json.results;
  });

  it("gives every item its source's verdict, score and per-test verdicts, in the caller's order", () => {
    expect(results.map((row) => row.id)).toEqual(items.map((item) => item.id));
    for (const row of results) {
      const program = programOf.get(row.id)!;
      expect(row, row.id).toMatchObject({
        language: 'cpp',
        state: 'finished',
        grade: expectedGrade(program),
      });
      expect(
        row.grade.tests.map((test: { verdict: string }) => test.verdict),
        row.id,
      ).toEqual(program.verdicts);
      for (const [index, exitCode] of Object.entries(program.exitCodes ?? {}))
        expect(row.grade.tests[Number(index)].exitCode, `${row.id} test ${index}`).toBe(exitCode);
      expect(row.grade.compile.status, row.id).toBe(program.compiles ? 'ok' : 'compile_error');
    }
  });

  it('counts the finished batch by verdict', () => {
    expect(batch.json).toMatchObject({
      state: 'finished',
      total: 50,
      states: { queued: 0, running: 0, finished: 50 },
      verdicts: {
        accepted: 10,
        wrong_answer: 10,
        time_limit_exceeded: 10,
        runtime_error: 10,
        compile_error: 10,
      },
    });
    expect(batch.json.finishedAt).toBeGreaterThanOrEqual(batch.json.createdAt);
  });

  it('compiles each distinct source exactly once across the batch, the broken one too', () => {
    const fresh: Record<string, number> = {};
    for (const row of results) {
      const program = programOf.get(row.id)!;
      if (row.grade.compile.cached === false) fresh[program.name] = (fresh[program.name] ?? 0) + 1;
    }
    expect(fresh).toEqual({ correct: 1, wrong: 1, spin: 1, crash: 1, broken: 1 });
  });

  it('serves the same results as CSV: a header and one row per item', async () => {
    const response = await api('GET', `/api/v1/batches/${batch.json.id}/results?format=csv`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.text.endsWith('\r\n')).toBe(true);
    const lines = response.text.slice(0, -2).split('\r\n');
    expect(lines).toHaveLength(51);
    expect(lines[0]).toBe(CSV_HEADER);
    const rows = results.map((row) => {
      const { grade } = row;
      const tests: Array<{ timeMs: number; memoryKb: number }> = grade.tests;
      return [
        row.id,
        row.submissionId,
        'cpp',
        'finished',
        grade.verdict,
        grade.score,
        grade.maxScore,
        grade.passed,
        tests.length,
        Math.max(0, ...tests.map((test) => test.timeMs)),
        Math.max(0, ...tests.map((test) => test.memoryKb)),
      ].join(',');
    });
    expect(lines.slice(1)).toEqual(rows);
  });
});

const submit = async (body: unknown) => {
  const response = await api('POST', '/api/v1/submissions', body);
  expect(response.status).toBe(200);
  expect(response.json).toMatchObject({ state: 'finished', progress: { done: expect.any(Number) } });
  return response.json;
};
const sum = 'a, b = map(int, input().split())\nprint(a + b)';
/** What a hidden test may show: its verdict and measurements, nothing of its data or of the output. */
const HIDDEN_KEYS = ['cpuTimeMs', 'exitCode', 'hidden', 'memoryKb', 'name', 'timeMs', 'verdict', 'weight'];

describe('a submission with each verdict', () => {
  it('accepted: scores by weight, and a hidden test carries no stdin, expected or output', async () => {
    const { grade } = await submit({
      language: 'python',
      code: sum,
      tests: [
        { name: 'visible', stdin: '2 3\n', expected: '5\n', weight: 2 },
        { name: 'secret', stdin: '40 2\n', expected: '42\n', weight: 3, hidden: true },
      ],
    });
    expect(grade).toMatchObject({ verdict: 'accepted', score: 5, maxScore: 5, passed: 2 });
    expect(grade.tests[0]).toMatchObject({
      name: 'visible',
      verdict: 'accepted',
      hidden: false,
      stdin: '2 3\n',
      expected: '5\n',
      stdout: '5\n',
      stderr: '',
      exitCode: 0,
    });
    expect(grade.tests[1]).toMatchObject({ name: 'secret', verdict: 'accepted', hidden: true, weight: 3 });
    expect(Object.keys(grade.tests[1]).sort()).toEqual(HIDDEN_KEYS);
  });

  it('wrong_answer: points at the first difference, except in a hidden test', async () => {
    const { grade } = await submit({
      language: 'javascript',
      code:
        'const [a, b] = require("fs").readFileSync(0, "utf8").trim().split(/\\s+/).map(Number);\n' +
        'console.log("a=" + a);\nconsole.log("sum=" + a * b);',
      tests: [
        { stdin: '2 2\n', expected: 'a=2\nsum=4\n' },
        { stdin: '3 4\n', expected: 'a=3\nsum=7\n' },
        { stdin: '5 6\n', expected: 'a=5\nsum=11\n', hidden: true },
      ],
    });
    expect(grade).toMatchObject({ verdict: 'wrong_answer', score: 1, maxScore: 3, passed: 1 });
    expect(grade.tests.map((test: { verdict: string }) => test.verdict)).toEqual([
      'accepted',
      'wrong_answer',
      'wrong_answer',
    ]);
    expect(grade.tests[1]).toMatchObject({
      name: 'test-2',
      stdout: 'a=3\nsum=12\n',
      diff: { line: 2, column: 5, expected: 'sum=7', got: 'sum=12' },
    });
    expect(Object.keys(grade.tests[2]).sort()).toEqual(HIDDEN_KEYS);
  });

  it('time_limit_exceeded: an endless loop under a short wall-clock limit', async () => {
    const { grade } = await submit({
      language: 'python',
      code: 'while True:\n    pass',
      tests: [{ stdin: '', expected: '' }],
      limits: { timeMs: 500 },
    });
    expect(grade).toMatchObject({ verdict: 'time_limit_exceeded', score: 0, passed: 0 });
    expect(grade.tests[0].verdict).toBe('time_limit_exceeded');
  });

  it("runtime_error: a non-zero exit, with the program's exit code and stderr", async () => {
    const { grade } = await submit({
      language: 'python',
      code: 'raise SystemExit(int(input()))',
      tests: [
        { stdin: '0\n', expected: '' },
        { stdin: '3\n', expected: '' },
        { stdin: 'three\n', expected: '' },
      ],
    });
    expect(grade).toMatchObject({ verdict: 'runtime_error', score: 1, passed: 1 });
    expect(grade.tests[0]).toMatchObject({ verdict: 'accepted', exitCode: 0 });
    expect(grade.tests[1]).toMatchObject({ verdict: 'runtime_error', exitCode: 3 });
    expect(grade.tests[2]).toMatchObject({ verdict: 'runtime_error', exitCode: 1 });
    expect(grade.tests[2].stderr).toContain('ValueError');
  });

  it('memory_limit_exceeded: an allocation past memoryMb', async () => {
    const { grade } = await submit({
      language: 'python',
      code: 'block = bytearray(200 * 1024 * 1024)\nprint(len(block))',
      tests: [{ stdin: '', expected: '209715200\n' }],
      limits: { memoryMb: 64 },
    });
    expect(grade).toMatchObject({ verdict: 'memory_limit_exceeded', score: 0 });
  });

  it('output_limit_exceeded: more output than outputKb', async () => {
    const { grade } = await submit({
      language: 'python',
      code: 'print("x" * 100_000)',
      tests: [{ stdin: '', expected: `${'x'.repeat(100_000)}\n` }],
      limits: { outputKb: 4 },
    });
    expect(grade).toMatchObject({ verdict: 'output_limit_exceeded', score: 0 });
  });

  it('compile_error: the diagnostics once in grade.compile, every test compile_error', async () => {
    const { grade } = await submit({
      language: 'cpp',
      code: '#include <cstdio>\nint main() { std::puts(undeclared_name); }\n',
      tests: [
        { stdin: '', expected: 'a\n' },
        { stdin: '', expected: 'b\n' },
        { stdin: '', expected: 'c\n', hidden: true },
      ],
    });
    expect(grade).toMatchObject({
      verdict: 'compile_error',
      score: 0,
      maxScore: 3,
      passed: 0,
      compile: { status: 'compile_error', cached: false },
    });
    expect(grade.compile.output).toMatch(/undeclared_name.*was not declared/);
    expect(grade.tests.map((test: { verdict: string }) => test.verdict)).toEqual([
      'compile_error',
      'compile_error',
      'compile_error',
    ]);
    expect(JSON.stringify(grade.tests)).not.toContain('undeclared_name');
  });
});

describe('submission events (SSE)', () => {
  it('streams progress as tests finish, then one finished event with the whole submission', async () => {
    const tests = Array.from({ length: 6 }, (_, i) => ({ stdin: `${i} ${i}\n`, expected: `${2 * i}\n` }));
    const created = await api('POST', '/api/v1/submissions?wait=false', {
      language: 'python',
      code: `import time\ntime.sleep(0.5)\n${sum}`,
      tests,
    });
    expect(created.status).toBe(202);
    const stream = await readEventStream(`/api/v1/submissions/${created.json.id}/events`);
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);

    const names = stream.events.map((event) => event.event);
    expect(names.at(-1)).toBe('finished');
    expect(names.slice(0, -1).every((name) => name === 'progress')).toBe(true);
    const progress = stream.events.slice(0, -1).map((event) => event.data);
    expect(progress.length).toBeGreaterThan(0);
    for (const [i, step] of progress.entries()) {
      expect(step).toEqual({ done: expect.any(Number), total: 6 });
      expect(step.done).toBeGreaterThanOrEqual(i === 0 ? 0 : progress[i - 1].done);
    }
    expect(progress.some((step) => step.done > 0 && step.done < 6)).toBe(true);

    const finished = stream.events.at(-1)!.data;
    expect(finished).toMatchObject({
      id: created.json.id,
      state: 'finished',
      progress: { done: 6, total: 6 },
      grade: { verdict: 'accepted', passed: 6 },
    });
    const read = await api('GET', `/api/v1/submissions/${created.json.id}`);
    expect(read.json).toEqual(finished);
  });
});
