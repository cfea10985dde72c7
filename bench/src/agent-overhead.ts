/**
 * `pnpm bench` (agent): the executor agent's per-run cost against a bare spawn of the same program, in the
 * same run, alternating the two so that machine noise hits both alike. Also C++ compile times with and
 * without the precompiled bits/stdc++.h, and on a compile-cache hit. Runs on the host as root (the agent
 * needs real uids); writes bench/results/agent-overhead.md.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AgentProcess, bareRun } from './agent-client.ts';
import { ms, summary, table, timed } from './stats.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ITERATIONS = Number(process.env.KILN_BENCH_ITERATIONS ?? 200);
const WARMUP = 10;
const TOOL_PATH = '/usr/local/bin:/usr/bin:/bin';

if (process.getuid?.() !== 0) throw new Error('the agent benchmark runs real sandboxes and needs root');
const work = mkdtempSync(join(tmpdir(), 'kiln-bench-'));
execFileSync('chmod', ['711', work]);
const token = `bench-${Date.now()}-${Math.random().toString(36).slice(2)}`;
writeFileSync(join(work, 'token'), token, { mode: 0o400 });

// Uids of their own, away from executor containers and the tests on the same host.
const UID_BASE: Record<string, string> = { python: '74000', javascript: '75000', cpp: '76000' };

/**
 * The agents measured: this checkout's, and with KILN_BENCH_BEFORE=<another checkout's executors/agent>
 * (built) that one too, in the same run, so that the report shows what a change did to the overhead.
 */
const AGENTS = [
  { label: 'this checkout', dir: join(ROOT, 'executors/agent') },
  ...(process.env.KILN_BENCH_BEFORE
    ? [{ label: 'before', dir: resolve(process.env.KILN_BENCH_BEFORE) }]
    : []),
];

function agentEnv(
  language: string,
  agentDir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    KILN_UID_BASE: UID_BASE[language]!,
    PATH: TOOL_PATH,
    // Each agent with its own checkout's language table (its launchers, its schema).
    KILN_LANGUAGE_FILE: join(agentDir, '..', language, 'language.json'),
    KILN_HOST: '127.0.0.1',
    KILN_TOKEN_FILE: join(work, 'token'),
    KILN_WORK_ROOT: join(work, `sandbox-${language}-${Math.random().toString(36).slice(2)}`),
    KILN_CACHE_DIR: join(work, `cache-${language}-${Math.random().toString(36).slice(2)}`),
    KILN_RUNNER: join(agentDir, 'dist/kiln-run'),
    KILN_SCRATCH_DIRS: '/tmp:/dev/shm',
    KILN_SLOTS: '1',
    LOG_LEVEL: 'info',
    ...extra,
  };
}
const agentMain = join(ROOT, 'executors/agent/dist/main.js');

const HELLO = {
  python: { file: 'main.py', code: 'print("Hello, " + input() + "!")\n' },
  javascript: {
    file: 'main.js',
    code: 'const s = require("fs").readFileSync(0, "utf8").trim();\nconsole.log("Hello, " + s + "!");\n',
  },
  cpp: {
    file: 'main.cpp',
    code: '#include <bits/stdc++.h>\nint main() { std::string s; std::cin >> s; std::cout << "Hello, " << s << "!\\n"; }\n',
  },
} as const;

type Mode = 'warm' | 'cold';

/** One language in one mode: bare spawn and every agent, one after the other in each round. */
async function overhead(language: keyof typeof HELLO, mode: Mode, bareArgv: string[]) {
  // Different uids per agent: the agents run side by side and each kills its slot uid's processes.
  const agents = await Promise.all(
    AGENTS.map(({ dir }, i) =>
      AgentProcess.start(
        join(dir, 'dist/main.js'),
        agentEnv(language, dir, {
          KILN_UID_BASE: String(Number(UID_BASE[language]) + 100 * i),
          KILN_WARM_START: mode === 'warm' ? 'true' : 'false',
        }),
        token,
      ),
    ),
  );
  const times = agents.map(() => [] as number[]);
  const bareTimes: number[] = [];
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    for (const [a, agent] of agents.entries()) {
      let result: Awaited<ReturnType<AgentProcess['run']>> | undefined;
      const agentMs = await timed(async () => {
        result = await agent.run(HELLO[language].code, 'Kiln');
      });
      if (result?.status !== 'ok' || result.stdout !== 'Hello, Kiln!\n')
        throw new Error(`${language}: ${JSON.stringify(result)}`);
      if (i >= WARMUP) times[a]!.push(agentMs);
    }
    const bareMs = await timed(() => bareRun(bareArgv, 'Kiln', work));
    if (i >= WARMUP) bareTimes.push(bareMs);
  }
  for (const agent of agents) await agent.stop();
  return { language, mode, bare: summary(bareTimes), agents: times.map(summary) };
}

async function compileTimes() {
  // A PCH built exactly as the cpp image builds it, so the host measures the image's setup.
  const pchDir = join(work, 'pch');
  execFileSync('mkdir', ['-p', join(pchDir, 'bits')]);
  const header = execFileSync('sh', ['-c', "find /usr/include -path '*/c++/*/bits/stdc++.h' | head -n 1"])
    .toString()
    .trim();
  execFileSync('cp', [header, join(pchDir, 'bits/stdc++.h')]);
  execFileSync('g++', [
    '-std=c++20',
    '-O2',
    '-x',
    'c++-header',
    join(pchDir, 'bits/stdc++.h'),
    '-o',
    join(pchDir, 'bits/stdc++.h.gch'),
  ]);
  execFileSync('chmod', ['-R', 'a+rX', pchDir]);
  const rounds = 5;
  const measure = async (pch: string) => {
    const agent = await AgentProcess.start(
      agentMain,
      agentEnv('cpp', AGENTS[0]!.dir, { KILN_PCH_DIR: pch }),
      token,
    );
    const miss: number[] = [];
    const hit: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const code = `${HELLO.cpp.code}// variant ${i} ${Math.random()}\n`;
      const first = await agent.run(code, 'Kiln');
      const second = await agent.run(code, 'Kiln');
      if (first.compile?.cached !== false || second.compile?.cached !== true)
        throw new Error('compile cache misbehaved');
      miss.push(first.compile.timeMs);
      hit.push(second.compile.timeMs);
    }
    await agent.stop();
    return { miss: summary(miss).p50, hit: summary(hit).p50 };
  };
  return { withPch: await measure(pchDir), withoutPch: await measure(join(work, 'no-pch')) };
}

const binaryDir = join(work, 'bare-cpp');
execFileSync('mkdir', ['-p', binaryDir]);
writeFileSync(join(binaryDir, 'main.cpp'), HELLO.cpp.code);
execFileSync('g++', ['-std=c++20', '-O2', '-o', join(binaryDir, 'main'), join(binaryDir, 'main.cpp')]);
for (const { file, code } of Object.values(HELLO)) writeFileSync(join(work, file), code);

const rows = [];
for (const mode of ['warm', 'cold'] as const) {
  // The very command line the agent runs (python3 -I -S), so the difference is the agent's alone.
  rows.push(await overhead('python', mode, ['/usr/bin/python3', '-I', '-S', 'main.py']));
  rows.push(await overhead('javascript', mode, ['/usr/bin/node', 'main.js']));
  if (mode === 'cold') rows.push(await overhead('cpp', mode, [join(binaryDir, 'main')]));
}
const compile = await compileTimes();
rmSync(work, { recursive: true, force: true });

const before = AGENTS.length > 1;
const report = [
  `# Executor agent overhead (${new Date().toISOString()})`,
  '',
  `Hello world with stdin, ${ITERATIONS} runs each after ${WARMUP} warm-up runs; bare spawn and agent${before ? 's' : ''} alternating.`,
  'Agent: one WebSocket round trip, a run in the sandbox (uid, rlimits, Landlock, the guard), its slot swept after.',
  'Warm: the interpreter was started ahead, waiting on its source (the default). Cold: KILN_WARM_START=false.',
  'Bare: the same command line without the agent (python3 -I -S, node, the compiled binary), same stdin.',
  ...(before ? [`"before": the agent of ${process.env.KILN_BENCH_BEFORE}, in the same run.`] : []),
  '',
  table(
    [
      'language',
      'mode',
      'bare p50',
      'agent p50',
      'overhead p50',
      'agent p99',
      ...(before ? ['before p50', 'before overhead p50', 'overhead change'] : []),
    ],
    rows.map((r) => {
      const mine = r.agents[0]!;
      const cells = [
        r.language,
        r.mode,
        ms(r.bare.p50),
        ms(mine.p50),
        ms(mine.p50 - r.bare.p50),
        ms(mine.p99),
      ];
      if (!before) return cells;
      const theirs = r.agents[1]!;
      const change = mine.p50 - r.bare.p50 - (theirs.p50 - r.bare.p50);
      return [
        ...cells,
        ms(theirs.p50),
        ms(theirs.p50 - r.bare.p50),
        `${change >= 0 ? '+' : ''}${ms(change)}`,
      ];
    }),
  ),
  '',
  'C++ compile of a bits/stdc++.h hello world through the agent (p50 of 5):',
  '',
  table(
    ['', 'compile', 'cache hit'],
    [
      ['with the precompiled header', ms(compile.withPch.miss), ms(compile.withPch.hit)],
      ['without it', ms(compile.withoutPch.miss), ms(compile.withoutPch.hit)],
    ],
  ),
  '',
].join('\n');
console.log(report);
writeFileSync(join(ROOT, 'bench/results/agent-overhead.md'), report);
