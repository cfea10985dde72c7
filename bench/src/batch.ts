/**
 * `pnpm bench` (batch): grading a class with Kiln's batch API against the naive way, in the same run.
 *
 * The workload: 100 C++ submissions drawn from 10 distinct sources, each against the same 10 tests.
 * - Kiln: one POST /api/v1/batches; each submission compiles once (identical sources share the executor's
 *   compile cache) and runs its tests across the slots; the batch is followed until it is finished.
 * - Naive (what graders do with Judge0 or a plain run API): one execution per test, each compiling its
 *   source (a comment makes every source unique, so nothing is cached), 8 clients at a time.
 * Both judge the same outputs; the verdict counts must agree. Brings up its own compose project (executors
 * unthrottled: the naive way compiles 1,000 times) and writes bench/results/batch.md.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeCommand, freePort, ROOT } from './compose.ts';
import { table } from './stats.ts';

const SUBMISSIONS = Number(process.env.KILN_BENCH_BATCH_SUBMISSIONS ?? 100);
const SOURCES = 10;
const TESTS = 10;
const NAIVE_CLIENTS = 8;
const PROJECT = `kiln-bench-batch-${process.pid}`;

/** Source k: eight correct ways to add two numbers, one wrong, one that crashes after answering. */
function source(k: number): string {
  const body =
    k === 8
      ? 'std::cout << a - b << "\\n";'
      : k === 9
        ? 'std::cout << a + b << "\\n"; return 3;'
        : `std::vector<long long> v{a, b}; std::cout << std::accumulate(v.begin(), v.end(), ${k}LL) - ${k} << "\\n";`;
  return `#include <bits/stdc++.h>\n// solution ${k}\nint main() {\n  long long a, b;\n  std::cin >> a >> b;\n  ${body}\n}\n`;
}

const tests = Array.from({ length: TESTS }, (_, t) => {
  const a = 1000 * t + 7;
  const b = 31 * t - 5;
  return { name: `t${t}`, stdin: `${a} ${b}\n`, expected: `${a + b}\n` };
});
const items = Array.from({ length: SUBMISSIONS }, (_, i) => ({
  id: `student-${String(i).padStart(3, '0')}`,
  language: 'cpp' as const,
  code: source(i % SOURCES),
}));

async function post(url: string, body: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

interface BatchRow {
  id: string;
  state: string;
  grade?: { verdict: string; compile?: { cached: boolean } };
}

async function kilnBatch(url: string) {
  const started = performance.now();
  const batch = (await post(`${url}/api/v1/batches`, { tests, submissions: items })) as { id: string };
  for (;;) {
    const status = (await (await fetch(`${url}/api/v1/batches/${batch.id}`)).json()) as { state: string };
    if (status.state === 'finished') break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  const results = (await (await fetch(`${url}/api/v1/batches/${batch.id}/results`)).json()) as {
    results: BatchRow[];
  };
  const verdicts: Record<string, number> = {};
  let compiles = 0;
  for (const row of results.results) {
    const verdict = row.grade?.verdict ?? 'none';
    verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
    if (row.grade?.compile && !row.grade.compile.cached) compiles++;
  }
  return { seconds, verdicts, compiles };
}

async function naive(url: string) {
  const started = performance.now();
  const perItem: string[][] = items.map(() => []);
  const jobs = items.flatMap((item, i) => tests.map((test, t) => ({ item, i, test, t })));
  let next = 0;
  let compiles = 0;
  const client = async () => {
    for (let job = jobs[next++]; job; job = jobs[next++]) {
      const code = `${job.item.code}// naive run ${job.i}-${job.t}\n`;
      const execution = (await post(`${url}/api/v1/executions`, {
        language: 'cpp',
        code,
        stdin: job.test.stdin,
      })) as { result: { status: string; stdout: string; compile?: { cached: boolean } } };
      const { result } = execution;
      if (result.compile && !result.compile.cached) compiles++;
      const verdict =
        result.status !== 'ok'
          ? result.status
          : result.stdout === job.test.expected
            ? 'accepted'
            : 'wrong_answer';
      perItem[job.i]![job.t] = verdict;
    }
  };
  await Promise.all(Array.from({ length: NAIVE_CLIENTS }, client));
  const seconds = (performance.now() - started) / 1000;
  // The submission's verdict as a grader would compute it: accepted, or the first failing test's.
  const verdicts: Record<string, number> = {};
  for (const tests of perItem) {
    const verdict = tests.find((v) => v !== 'accepted') ?? 'accepted';
    verdicts[verdict] = (verdicts[verdict] ?? 0) + 1;
  }
  return { seconds, verdicts, compiles };
}

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const env = {
  ...process.env,
  KILN_PORT: String(port),
  KILN_RATE_LIMIT_PER_MINUTE: '0',
  KILN_EXECUTOR_CPUS: '2',
};
const compose = composeCommand(PROJECT);
let report: string;
try {
  compose(env, 'up', '--build', '--wait', '--quiet-pull');
  const kiln = await kilnBatch(url);
  console.log('kiln batch', kiln);
  const plain = await naive(url);
  console.log('naive', plain);
  const show = (verdicts: Record<string, number>) =>
    Object.entries(verdicts)
      .sort()
      .map(([verdict, count]) => `${verdict} ${count}`)
      .join(', ');
  const runs = SUBMISSIONS * TESTS;
  report = [
    `# Grading a class: batch vs one execution per test (${new Date().toISOString()})`,
    '',
    `${SUBMISSIONS} C++ submissions (${SOURCES} distinct sources) × ${TESTS} tests = ${runs} runs, on one compose`,
    'stack (executor-cpp: 2 slots, CPU unthrottled). Kiln: one POST /api/v1/batches, followed until finished.',
    `Naive: ${runs} POST /api/v1/executions (wait), ${NAIVE_CLIENTS} at a time, each source made unique so each`,
    'compiles, as a run-per-test grader on a service without a compile cache does.',
    '',
    table(
      ['way', 'wall time', 'compiles', 'submissions per second', 'verdicts'],
      [
        [
          'Kiln batch',
          `${kiln.seconds.toFixed(1)} s`,
          String(kiln.compiles),
          (SUBMISSIONS / kiln.seconds).toFixed(2),
          show(kiln.verdicts),
        ],
        [
          'naive',
          `${plain.seconds.toFixed(1)} s`,
          String(plain.compiles),
          (SUBMISSIONS / plain.seconds).toFixed(2),
          show(plain.verdicts),
        ],
      ],
    ),
    '',
    `Kiln's batch is **${(plain.seconds / kiln.seconds).toFixed(1)}×** faster and compiles ${kiln.compiles} times instead of ${plain.compiles}.`,
    '',
  ].join('\n');
} finally {
  compose(env, 'down', '-v', '--timeout', '5');
}
console.log(report);
writeFileSync(join(ROOT, 'bench/results/batch.md'), report);
