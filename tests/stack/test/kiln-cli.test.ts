import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kiln } from './support/cli.js';
import { api, until } from './support/http.js';

/** A tests folder as `kiln grade` reads it (NAME.in/NAME.out, natural order) and as the API receives it. */
const TESTS = [
  { name: '1', stdin: '1 2\n', expected: '3\n' },
  { name: '2', stdin: '20 22\n', expected: '42\n' },
  { name: '10', stdin: '-5 5\n', expected: '0\n' },
];
/** One file per submission, with the verdict it must get against TESTS under a 1 s limit. */
const SUBMISSIONS = [
  { file: 'alice.py', verdict: 'accepted', code: 'a, b = map(int, input().split())\nprint(a + b)' },
  {
    file: 'bob.js',
    verdict: 'wrong_answer',
    code:
      'const [a, b] = require("fs").readFileSync(0, "utf8").trim().split(" ").map(Number);\n' +
      'console.log(a > 10 ? a + b + 1 : a + b);',
  },
  { file: 'carol.py', verdict: 'time_limit_exceeded', code: 'while True:\n    pass' },
  { file: 'dave.py', verdict: 'runtime_error', code: 'raise SystemExit(2)' },
  { file: 'erin.cpp', verdict: 'compile_error', code: 'int main() { return missing; }' },
  {
    file: 'frank.cpp',
    verdict: 'accepted',
    code: '#include <iostream>\nint main() { long long a, b; std::cin >> a >> b; std::cout << a + b << "\\n"; }',
  },
];
const TIME_MS = 1000;
const idOf = (file: string) => file.slice(0, file.lastIndexOf('.'));
const languageOf = (file: string) =>
  ({ py: 'python', js: 'javascript', cpp: 'cpp' })[file.split('.').at(-1)!];

let work: string;
const testsDir = () => join(work, 'tests');
const submissionsDir = () => join(work, 'submissions');
const grade = (...extra: string[]) =>
  kiln(['grade', '--tests', testsDir(), '--time-ms', String(TIME_MS), ...extra, submissionsDir()]);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kiln-cli-'));
  await mkdir(testsDir());
  await mkdir(submissionsDir());
  for (const test of TESTS) {
    await writeFile(join(testsDir(), `${test.name}.in`), test.stdin);
    await writeFile(join(testsDir(), `${test.name}.out`), test.expected);
  }
  for (const submission of SUBMISSIONS)
    await writeFile(join(submissionsDir(), submission.file), submission.code);
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The CSV's lines, without the columns a second batch of the same inputs cannot share. */
const comparable = (csv: string) =>
  csv
    .trimEnd()
    .split('\r\n')
    .map((line) => {
      const cells = line.split(',');
      return [...cells.slice(0, 1), ...cells.slice(2, 9)].join(',');
    });

describe('kiln grade', () => {
  it('exits 0 and prints a table naming every submission with its verdict', async () => {
    const run = await grade();
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^ITEM\s+VERDICT\s+SCORE\s+PASSED\s+MAX TIME$/);
    const table = new Map(
      lines.slice(1, 1 + SUBMISSIONS.length).map((line) => line.split(/\s+/) as [string, string]),
    );
    expect(Object.fromEntries(table)).toEqual(
      Object.fromEntries(SUBMISSIONS.map(({ file, verdict }) => [idOf(file), verdict])),
    );
    expect(run.stdout).toContain(
      'accepted 2, wrong_answer 1, compile_error 1, runtime_error 1, time_limit_exceeded 1 (6 submissions)',
    );
    expect(run.stderr).toMatch(/^kiln: batch [0-9a-f-]{36}: 6 submissions, 3 tests each$/m);
  });

  it('writes the CSV of GET results?format=csv for a batch of the same inputs', async () => {
    const output = join(work, 'results.csv');
    const run = await grade('--format', 'csv', '--output', output);
    expect(run.code, `${run.stderr}\n${run.stdout}`).toBe(0);
    const written = await readFile(output, 'utf8');
    // Byte for byte the CSV of the batch kiln created …
    const batchId = /kiln: batch ([0-9a-f-]{36})/.exec(run.stderr)![1]!;
    expect((await api('GET', `/api/v1/batches/${batchId}/results?format=csv`)).text).toBe(written);

    // … and, but for ids and timings, the CSV of the same inputs sent to the API directly.
    const created = await api('POST', '/api/v1/batches', {
      tests: TESTS,
      limits: { timeMs: TIME_MS },
      submissions: SUBMISSIONS.map(({ file, code }) => ({
        id: idOf(file),
        language: languageOf(file),
        code,
      })),
    });
    expect(created.status).toBe(201);
    await until(async () => {
      const batch = await api('GET', `/api/v1/batches/${created.json.id}`);
      return batch.json.state === 'finished' ? batch : undefined;
    }, 180_000);
    const direct = await api('GET', `/api/v1/batches/${created.json.id}/results?format=csv`);
    expect(direct.status).toBe(200);
    expect(comparable(written)).toEqual(comparable(direct.text));
    expect(comparable(written)).toHaveLength(1 + SUBMISSIONS.length);
  });
});

describe('kiln run', () => {
  it("prints the program's output and exits with the program's exit code", async () => {
    const file = join(work, 'main.py');
    await writeFile(file, 'print(input().upper())\nraise SystemExit(3)\n');
    const run = await kiln(['run', file], 'hello kiln\n');
    expect(run).toEqual({ code: 3, stdout: 'HELLO KILN\n', stderr: '' });
  });

  it('exits 0 for a program that ends normally', async () => {
    const file = join(work, 'echo.py');
    await writeFile(file, 'import sys\nsys.stdout.write(sys.stdin.read()[::-1])\n');
    expect(await kiln(['run', file], 'abc')).toEqual({ code: 0, stdout: 'cba', stderr: '' });
  });
});
