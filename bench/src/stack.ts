/**
 * `pnpm bench` (stack): hello world through the whole stack over HTTP, against (a) a bare spawn of the same
 * interpreter or binary on the host and (b) `docker run --rm` of the same executor image per execution,
 * all in the same run. Latency p50/p99 and throughput at 1 and 8 concurrent clients. Brings up its own
 * compose project on a free loopback port and takes it down afterwards; writes bench/results/stack.md.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bareRun } from './agent-client.ts';
import { composeCommand, freePort, ROOT } from './compose.ts';
import { ms, summary, table, timed } from './stats.ts';

const ROUNDS = Number(process.env.KILN_BENCH_ITERATIONS ?? 200);
const DOCKER_ROUNDS = Math.max(8, Math.round(ROUNDS / 10));
const PROJECT = `kiln-bench-${process.pid}`;

const HELLO = {
  python: {
    file: 'main.py',
    code: 'print("Hello, " + input() + "!")\n',
    // What a user would type; Kiln itself runs python3 -I -S (see the agent benchmark for that baseline).
    bare: ['/usr/bin/python3', 'main.py'],
  },
  javascript: {
    file: 'main.js',
    code: 'const s = require("fs").readFileSync(0, "utf8").trim();\nconsole.log("Hello, " + s + "!");\n',
    bare: ['/usr/bin/node', 'main.js'],
  },
  cpp: {
    file: 'main.cpp',
    code: '#include <bits/stdc++.h>\nint main() { std::string s; std::cin >> s; std::cout << "Hello, " << s << "!\\n"; }\n',
    bare: ['./main'],
  },
} as const;
type Language = keyof typeof HELLO;

/** What `docker run --rm` per execution does with the same image: start, (compile,) run, remove. */
const DOCKER_RUN: Record<Language, string> = {
  python: 'printf "%s" "$CODE" > /tmp/main.py && exec python3 /tmp/main.py',
  javascript: 'printf "%s" "$CODE" > /tmp/main.js && exec node /tmp/main.js',
  cpp: 'printf "%s" "$CODE" > /tmp/main.cpp && g++ -std=c++20 -O2 -I/opt/kiln/pch -o /tmp/main /tmp/main.cpp && exec /tmp/main',
};

const compose = composeCommand(PROJECT);

async function kiln(url: string, language: Language): Promise<void> {
  const response = await fetch(`${url}/api/v1/executions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ language, code: HELLO[language].code, stdin: 'Kiln' }),
  });
  const body = (await response.json()) as { result?: { status: string; stdout: string } };
  if (response.status !== 200 || body.result?.stdout !== 'Hello, Kiln!\n')
    throw new Error(`kiln ${language}: ${JSON.stringify(body)}`);
}

function dockerRun(language: Language): Promise<void> {
  return new Promise((done, fail) => {
    const args = ['run', '--rm', '-i', '--network', 'none', '-e', `CODE=${HELLO[language].code}`];
    const child = spawn(
      'docker',
      [...args, `kiln/executor-${language}:dev`, 'sh', '-c', DOCKER_RUN[language]],
      {
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('close', (code) =>
      code === 0 && out === 'Hello, Kiln!\n'
        ? done()
        : fail(new Error(`docker run ${language}: ${code} ${out}`)),
    );
    child.stdin.end('Kiln');
  });
}

/** Latency of `rounds` calls made by `clients` concurrent clients, and the throughput they reached. */
async function load(rounds: number, clients: number, call: () => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next++ < rounds) latencies.push(await timed(call));
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { ...summary(latencies), perSecond: latencies.length / seconds };
}

type Stats = Awaited<ReturnType<typeof load>>;

/** One client calling `a` and `b` in turn, `rounds` times each; latencies and throughput of each. */
async function alternate(rounds: number, a: () => Promise<void>, b: () => Promise<void>) {
  const times: [number[], number[]] = [[], []];
  const spent = [0, 0];
  for (let i = 0; i < rounds; i++) {
    for (const [index, call] of [a, b].entries()) {
      const ms = await timed(call);
      times[index]!.push(ms);
      spent[index]! += ms;
    }
  }
  const stats = (index: number): Stats => ({
    ...summary(times[index]!),
    perSecond: (times[index]!.length * 1000) / spent[index]!,
  });
  return [stats(0), stats(1)] as [Stats, Stats];
}

const work = mkdtempSync(join(tmpdir(), 'kiln-stack-bench-'));
for (const { file, code } of Object.values(HELLO)) writeFileSync(join(work, file), code);
execFileSync('g++', ['-std=c++20', '-O2', '-o', join(work, 'main'), join(work, 'main.cpp')]);

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
/**
 * Kiln with its defaults (half a CPU per executor container) and with executors that may use the machine's
 * cores, as the bare spawn does: the first is what a deployment gets, the second compares like with like.
 */
const CONFIGS = [
  { label: 'defaults (executor: 0.5 CPU)', env: {} },
  { label: 'executor CPU unthrottled (KILN_EXECUTOR_CPUS=2)', env: { KILN_EXECUTOR_CPUS: '2' } },
];
const baselines = new Map<
  string,
  { bare: Awaited<ReturnType<typeof load>>; docker: Awaited<ReturnType<typeof load>> }
>();
const rows: string[][] = [];
let env: NodeJS.ProcessEnv = { ...process.env, KILN_PORT: String(port), KILN_RATE_LIMIT_PER_MINUTE: '0' };
try {
  for (const config of CONFIGS) {
    env = { ...process.env, KILN_PORT: String(port), KILN_RATE_LIMIT_PER_MINUTE: '0', ...config.env };
    compose(env, 'up', '--build', '--wait', '--quiet-pull');
    for (const language of Object.keys(HELLO) as Language[]) {
      // Warm the compile cache and the connections; a recreated gateway first drops the old keep-alive ones.
      for (let i = 0, failures = 0; i < 10; i++) {
        try {
          await kiln(url, language);
        } catch (err) {
          if (++failures > 20) throw err;
          i--;
          await new Promise((done) => setTimeout(done, 500));
        }
      }
      for (const clients of [1, 8]) {
        const key = `${language}/${clients}`;
        const bareCall = () => bareRun(HELLO[language].bare, 'Kiln', work).then(() => undefined);
        // One client: Kiln and the bare spawn alternate, so that the machine's moods hit both alike.
        // Eight: each measured on its own, for throughput.
        const [kilnStats, bareStats]: [Stats, Stats | undefined] =
          clients === 1
            ? await alternate(ROUNDS, () => kiln(url, language), bareCall)
            : [await load(ROUNDS, clients, () => kiln(url, language)), undefined];
        if (!baselines.has(key)) {
          const bare = bareStats ?? (await load(ROUNDS, clients, bareCall));
          baselines.set(key, { bare, docker: await load(DOCKER_ROUNDS, clients, () => dockerRun(language)) });
        }
        const { bare, docker } = baselines.get(key)!;
        rows.push([
          config.label,
          language,
          String(clients),
          ms(bare.p50),
          ms(kilnStats.p50),
          ms(docker.p50),
          `${(kilnStats.p50 / bare.p50).toFixed(2)}×`,
          `${(docker.p50 / kilnStats.p50).toFixed(1)}×`,
          `${ms(bare.p99)} / ${ms(kilnStats.p99)} / ${ms(docker.p99)}`,
          `${bare.perSecond.toFixed(0)} / ${kilnStats.perSecond.toFixed(0)} / ${docker.perSecond.toFixed(1)}`,
        ]);
        console.log(rows.at(-1)!.join('  '));
      }
    }
  }
} finally {
  compose(env, 'down', '-v', '--timeout', '5');
  rmSync(work, { recursive: true, force: true });
}

const report = [
  `# Whole stack: hello world over HTTP (${new Date().toISOString()})`,
  '',
  `Kiln: POST /api/v1/executions (wait) through gateway → BullMQ → worker → executor; ${ROUNDS} calls per row.`,
  `Bare: spawn of the same interpreter or binary on the host, same stdin (\`python3 main.py\`, \`node main.js\`,`,
  `the compiled binary); ${ROUNDS} calls per row. Kiln runs Python as \`python3 -I -S\`.`,
  `docker run: \`docker run --rm\` of the same executor image per execution (C++ compiles each time, as a`,
  `container per execution must); ${DOCKER_ROUNDS} calls per row.`,
  '',
  table(
    [
      'Kiln configuration',
      'language',
      'clients',
      'bare p50',
      'Kiln p50',
      'docker run p50',
      'Kiln / bare',
      'docker run / Kiln',
      'p99 bare / Kiln / docker',
      'per second bare / Kiln / docker',
    ],
    rows,
  ),
  '',
].join('\n');
console.log(report);
writeFileSync(join(ROOT, 'bench/results/stack.md'), report);
