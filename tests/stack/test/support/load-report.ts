import { writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { containersOf, docker } from './http.js';
import { type Outcome, percentile, type Tally } from './load.js';

/** bench/results/load.md, rewritten by every run of the load test with that run's figures. */
export const LOAD_REPORT = resolve(
  dirname(fileURLToPath(import.meta.url)),
  '../../../../bench/results/load.md',
);

export interface LoadFigures {
  outcomes: readonly Outcome[];
  tally: Tally;
  wallMs: number;
  clients: number;
  /** Attempts the worker put back in the queue (an executor lost or failing the run) during the load. */
  retried: number;
}

const ms = (value: number) => `${value.toFixed(0)} ms`;

/** The executors' resources as the stack runs them (the compose defaults unless overridden). */
function executorNote(): string {
  const [executor] = containersOf('executor-cpp');
  if (!executor) return 'executor resources unknown';
  const [nanoCpus, memory] = docker(
    'inspect',
    '-f',
    '{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}',
    executor,
  )
    .trim()
    .split(' ')
    .map(Number);
  const slots = /KILN_SLOTS=(\d+)/.exec(
    docker('inspect', '-f', '{{range .Config.Env}}{{println .}}{{end}}', executor),
  )?.[1];
  const python = containersOf('executor-python').length;
  return (
    `each executor ${nanoCpus! / 1e9} CPU, ${memory! / 2 ** 20} MB, ${slots ?? '?'} slots; ` +
    `python ×${python}, javascript ×1, cpp ×1`
  );
}

/** "ok 630, internal_error 2": how often each value occurs, most frequent first. */
function countsOf(values: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([value, count]) => `${value} ${count}`)
    .join(', ');
}

function row(cells: Array<string | number>): string {
  return `| ${cells.join(' | ')} |`;
}

export function loadReport({ outcomes, tally, wallMs, clients, retried }: LoadFigures): string {
  const latencies = outcomes.map((outcome) => outcome.latencyMs);
  const finished = outcomes.filter((outcome) => outcome.result);
  const groups = new Map<string, Outcome[]>();
  for (const outcome of outcomes) {
    const key = `${outcome.item.language} | ${outcome.item.kind}`;
    groups.set(key, [...(groups.get(key) ?? []), outcome]);
  }
  const spoiled = outcomes.filter(
    ({ item, result }) =>
      item.kind === 'normal' && (result?.status !== 'ok' || result.stdout !== item.stdout),
  );
  const cpu = cpus();
  const lines = [
    `# Load: ${outcomes.length} executions from ${clients} clients (${new Date().toISOString()})`,
    '',
    `Machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, ` +
      `${type()} ${release()}; the whole compose stack (compose.yaml + compose.test.yaml) on it, ` +
      `${executorNote()}. Written by tests/stack/test/load.test.ts.`,
    '',
    'Each client POSTs /api/v1/executions (wait=true) and sends its next one when the last has a final result',
    '(a 202 is polled, a 429 waits its Retry-After). Python, JavaScript and C++ in turn; every 20th is an attack',
    'program from tests/hostile ("alone it gets": its status when it runs alone, as the hostile suite checks).',
    'Latency: first POST to final result.',
    '',
    row([
      'executions',
      'clients',
      'wall time',
      'throughput',
      'p50',
      'p99',
      'max',
      '429s',
      '5xx',
      'polled',
      'retried',
      'lost',
    ]),
    row(Array(12).fill('---')),
    row([
      outcomes.length,
      clients,
      `${(wallMs / 1000).toFixed(1)} s`,
      `${(outcomes.length / (wallMs / 1000)).toFixed(1)} /s`,
      ms(percentile(latencies, 0.5)),
      ms(percentile(latencies, 0.99)),
      ms(Math.max(...latencies)),
      tally.refused429,
      tally.serverErrors,
      outcomes.filter((outcome) => outcome.polled).length,
      retried,
      outcomes.length - finished.length,
    ]),
    '',
    row(['language', 'program', 'count', 'p50', 'p99', 'alone it gets', 'got']),
    row(Array(7).fill('---')),
    ...[...groups].map(([key, group]) => {
      const values = group.map((outcome) => outcome.latencyMs);
      return row([
        key,
        group.length,
        ms(percentile(values, 0.5)),
        ms(percentile(values, 0.99)),
        group[0]!.item.status,
        countsOf(group.map((outcome) => outcome.result?.status ?? 'no result')),
      ]);
    }),
    '',
    `Statuses of all: ${countsOf(finished.map((outcome) => outcome.result.status))}.`,
    '',
    `Normal programs that did not end ok with the right output: ${spoiled.length === 0 ? 'none' : ''}`,
    ...spoiled.map(
      ({ item, result }) => `- #${item.index} ${item.language}: ${result?.status ?? 'no result'}`,
    ),
    '',
  ];
  return lines.join('\n');
}

export function writeLoadReport(figures: LoadFigures): string {
  const text = loadReport(figures);
  writeFileSync(LOAD_REPORT, text);
  return text;
}
