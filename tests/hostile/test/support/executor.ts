import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionResult, Language, LimitsRequest } from '@kiln/protocol';
import { TestClient } from '../../../../executors/agent/test/support/client.js';
import { docker, dockerOk } from './docker.js';

/**
 * The images attacked: this checkout's, built by the global setup. KILN_HOSTILE_IMAGE_TAG names another
 * build (an older release, say) to see which attacks it falls to; the global setup then builds nothing.
 */
export const IMAGE_TAG = process.env.KILN_HOSTILE_IMAGE_TAG || 'dev';
const IMAGES: Record<Language, string> = {
  python: `kiln/executor-python:${IMAGE_TAG}`,
  javascript: `kiln/executor-javascript:${IMAGE_TAG}`,
  cpp: `kiln/executor-cpp:${IMAGE_TAG}`,
};

/** Every container these tests start carries this label, so leftovers of an aborted run can be found. */
export const LABEL = 'kiln.tests=hostile';

/** The largest run (or compile) of each language, in MB: language.json's maximum memory. */
const LARGEST_RUN_MB: Record<Language, number> = { python: 256, javascript: 256, cpp: 512 };

/**
 * Executor memory (and tmpfs sizes) as compose.yaml sizes them: slots x the largest run + 256 MB (for 2
 * slots, compose's defaults: 768m, and 1280m for C++). Less, and the agent refuses to start.
 */
export function executorMemory(language: Language, slots: number): string {
  return `${slots * LARGEST_RUN_MB[language] + 256}m`;
}

/**
 * The hardening of compose.yaml's executors, flag for flag: the sandbox is only tested for real under the
 * limits it will run with. The port is published on loopback only, on a port Docker picks.
 */
function hardenedFlags(language: Language, tokenFile: string, slots: number): string[] {
  const memory = executorMemory(language, slots);
  return [
    '--init',
    '--read-only',
    '--cap-drop=ALL',
    ...['SETUID', 'SETGID', 'KILL', 'CHOWN'].map((cap) => `--cap-add=${cap}`),
    '--security-opt=no-new-privileges:true',
    `--memory=${memory}`,
    '--cpus=0.5',
    '--pids-limit=256',
    `--tmpfs=/sandbox:exec,mode=711,size=${memory},nr_inodes=16k`,
    `--tmpfs=/tmp:mode=1777,size=${memory},nr_inodes=8k`,
    `--tmpfs=/dev/shm:mode=1777,size=${memory},nr_inodes=4k`,
    '--tmpfs=/run/kiln:mode=700,size=64m',
    `--volume=${tokenFile}:/run/secrets/executor_token:ro`,
    `--env=KILN_SLOTS=${slots}`,
    '--publish=127.0.0.1::8765',
    `--label=${LABEL}`,
  ];
}

export interface Executor {
  readonly language: Language;
  readonly container: string;
  readonly port: number;
  /** The executor token: no program's output may ever contain it. */
  readonly token: string;
  readonly client: TestClient;
  /**
   * One run over the link. Fails (instead of waiting for ever) when the agent drops the link or dies
   * mid-run, or when no result comes within 90 s.
   */
  run(code: string, stdin?: string, limits?: LimitsRequest): Promise<ExecutionResult>;
  /** GET /healthz from the host through the published port: 200 while every slot is clean. */
  healthz(): Promise<number>;
  /** Resolves once no slot is busy: every run answered and every slot swept (results come first). */
  idle(): Promise<void>;
  /** Docker's own view, from the image's HEALTHCHECK. */
  dockerHealth(): Promise<string>;
  running(): Promise<boolean>;
  /** Docker's account of the container: status, exit code, whether the kernel's OOM killer ended it. */
  state(): Promise<string>;
  logs(tail?: number): Promise<string>;
  remove(): Promise<void>;
}

export async function startExecutor(language: Language, slots: number): Promise<Executor> {
  const tokenDir = mkdtempSync(join(tmpdir(), 'kiln-hostile-'));
  const tokenFile = join(tokenDir, 'executor_token');
  const token = randomBytes(32).toString('hex');
  // The agent refuses a token file that is not root's and 0400; the tests run as root, as CI does.
  writeFileSync(tokenFile, token, { mode: 0o400 });
  const name = `kiln-hostile-${language}-${slots}-${randomBytes(3).toString('hex')}`;
  const container = await dockerOk([
    'run',
    '-d',
    `--name=${name}`,
    ...hardenedFlags(language, tokenFile, slots),
    IMAGES[language],
  ]);
  const cleanup = async () => {
    await docker(['rm', '-f', container]);
    rmSync(tokenDir, { recursive: true, force: true });
  };
  try {
    const mapping = await dockerOk(['port', container, '8765/tcp']);
    const port = Number(/:(\d+)\s*$/m.exec(mapping)?.[1]);
    if (!Number.isInteger(port)) throw new Error(`no published port for ${name}: ${mapping}`);
    const client = await connectWhenReady(port, token, container);
    const hello = await client.hello();
    if (hello.language !== language || hello.slots !== slots) {
      throw new Error(`${name} said hello as ${JSON.stringify(hello)}`);
    }
    const executor: Executor = {
      language,
      container,
      port,
      token,
      client,
      run: (code, stdin = '', limits = {}) => runOrFail(client, container, code, stdin, limits),
      async idle() {
        const deadline = Date.now() + 30_000;
        for (;;) {
          const response = await fetch(`http://127.0.0.1:${port}/healthz`, {
            signal: AbortSignal.timeout(5000),
          });
          const { busy } = (await response.json()) as { busy: number };
          if (busy === 0) return;
          if (Date.now() > deadline) throw new Error(`${container} still has ${busy} busy slots after 30 s`);
          await sleep(10);
        }
      },
      async healthz() {
        const response = await fetch(`http://127.0.0.1:${port}/healthz`, {
          signal: AbortSignal.timeout(5000),
        });
        return response.status;
      },
      dockerHealth: () => dockerOk(['inspect', '-f', '{{.State.Health.Status}}', container]),
      async running() {
        const state = await docker(['inspect', '-f', '{{.State.Running}}', container]);
        return state.stdout.trim() === 'true';
      },
      async state() {
        const format = '{{.State.Status}}, exit code {{.State.ExitCode}}, OOM-killed: {{.State.OOMKilled}}';
        const result = await docker(['inspect', '-f', format, container]);
        return result.stdout.trim() || result.stderr.trim();
      },
      async logs(tail = 40) {
        const result = await docker(['logs', '--tail', String(tail), container]);
        return `${result.stdout}${result.stderr}`.trim();
      },
      async remove() {
        client.close();
        await cleanup();
      },
    };
    await waitForDockerHealth(executor);
    return executor;
  } catch (err) {
    const logs = await docker(['logs', '--tail', '40', container]);
    await cleanup();
    throw new Error(
      `executor ${name} did not come up: ${(err as Error).message}\n${logs.stdout}${logs.stderr}`,
    );
  }
}

/** The agent needs a moment to start; the published port accepts connections before it listens. */
async function connectWhenReady(port: number, token: string, container: string): Promise<TestClient> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    let client: TestClient | undefined;
    try {
      client = await withTimeout(TestClient.connect(port, token), 5000, 'connect');
      await withTimeout(client.hello(), 5000, 'hello');
      return client;
    } catch (err) {
      client?.close();
      if (Date.now() > deadline)
        throw new Error(`no hello from ${container} within 30 s: ${(err as Error).message}`);
      await sleep(200);
    }
  }
}

function runOrFail(
  client: TestClient,
  container: string,
  code: string,
  stdin: string,
  limits: LimitsRequest,
): Promise<ExecutionResult> {
  let onClose = () => {};
  const closed = new Promise<never>((_, reject) => {
    onClose = () =>
      reject(new Error(`${container} closed the link before the run ended (did the agent die?)`));
    client.ws.once('close', onClose);
  });
  return withTimeout(Promise.race([client.run(code, stdin, limits), closed]), 90_000, 'the run').finally(() =>
    client.ws.off('close', onClose),
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([
    promise,
    sleep(ms, undefined, { ref: false }).then(() => Promise.reject(new Error(`${what} took over ${ms} ms`))),
  ]);
}

/** Docker's HEALTHCHECK runs every 5 s; wait for its first verdict so later checks compare like with like. */
async function waitForDockerHealth(executor: Executor): Promise<void> {
  const deadline = Date.now() + 40_000;
  for (;;) {
    const health = await executor.dockerHealth();
    if (health === 'healthy') return;
    if (health === 'unhealthy' || Date.now() > deadline) {
      throw new Error(`${executor.container} is ${health}, not healthy`);
    }
    await sleep(500);
  }
}

/** Still up and calling itself healthy (the agent exits once a slot fails its baseline check). */
export async function serving(executor: Executor): Promise<boolean> {
  if (!(await executor.running())) return false;
  return (await executor.healthz().catch(() => 0)) === 200;
}
