import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Language } from '@kiln/protocol';
import { TestClient } from '../../../../executors/agent/test/support/client.js';
import { docker, dockerOk } from './docker.js';

export const IMAGES: Record<Language, string> = {
  python: 'kiln/executor-python:dev',
  javascript: 'kiln/executor-javascript:dev',
  cpp: 'kiln/executor-cpp:dev',
};

/** Every container these tests start carries this label, so leftovers of an aborted run can be found. */
export const LABEL = 'kiln.tests=hostile';

/**
 * The hardening of compose.yaml's executors, flag for flag: the sandbox is only tested for real under the
 * limits it will run with. The port is published on loopback only, on a port Docker picks.
 */
function hardenedFlags(tokenFile: string, slots: number): string[] {
  return [
    '--init',
    '--read-only',
    '--cap-drop=ALL',
    ...['SETUID', 'SETGID', 'KILL', 'CHOWN'].map((cap) => `--cap-add=${cap}`),
    '--security-opt=no-new-privileges:true',
    '--memory=256m',
    '--cpus=0.5',
    '--pids-limit=256',
    '--tmpfs=/sandbox:exec,mode=711,size=64m',
    '--tmpfs=/tmp:mode=1777,size=32m',
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
  /** GET /healthz from the host through the published port: 200 while every slot is clean. */
  healthz(): Promise<number>;
  /** Docker's own view, from the image's HEALTHCHECK. */
  dockerHealth(): Promise<string>;
  running(): Promise<boolean>;
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
    ...hardenedFlags(tokenFile, slots),
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
    try {
      const client = await TestClient.connect(port, token);
      await client.hello();
      return client;
    } catch (err) {
      if (Date.now() > deadline)
        throw new Error(`no hello from ${container} within 30 s: ${(err as Error).message}`);
      await sleep(200);
    }
  }
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
