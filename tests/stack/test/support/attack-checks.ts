import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import { networkInterfaces } from 'node:os';
import type { ExecutionResult, Language } from '@kiln/protocol';
import { expect } from 'vitest';
import { type HostileProgram, harnessProgram, patternStdin } from '../../../hostile/test/support/programs.js';
import { api, baseUrl, containersOf, docker } from './http.js';

export { type HostileProgram, harnessProgram, loadPrograms } from '../../../hostile/test/support/programs.js';

/** How long a normal run may take, end to end over HTTP, right after an attack: prompt, not fast. */
export const PROMPT_MS = 10_000;

/** The stack's two secrets, read from the worker (which holds both): no program's output may hold either. */
export function stackSecrets(): string[] {
  const [worker] = containersOf('worker');
  if (!worker) throw new Error('no worker container');
  return ['worker_token', 'redis_password'].map((name) =>
    docker('exec', worker, 'cat', `/run/secrets/${name}`).trim(),
  );
}

/** Every address a container of the service has, on every network it is on. */
function addressesOf(service: string): string[] {
  return containersOf(service).flatMap((id) =>
    docker('inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}} {{end}}', id)
      .split(/\s+/)
      .filter(Boolean),
  );
}

/**
 * A TCP listener on every address of the host, which no program may ever reach (it counts who does), and
 * the list of what the network attacks must fail to reach, as `<name> <ip> <port>` lines: the containers
 * of Redis, the gateway and the worker on their ports, and the host's own addresses (its main interfaces;
 * the host answers on all of them alike) with this listener's port and the gateway's published one.
 */
export class NetworkTargets {
  accepted = 0;
  private readonly server: Server = createServer((socket) => {
    this.accepted++;
    socket.destroy();
  });

  async open(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '0.0.0.0', resolve));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  stdin(): string {
    const listening = (this.server.address() as { port: number }).port;
    const published = Number(new URL(baseUrl()).port);
    const host = Object.entries(networkInterfaces())
      .filter(([name]) => !/^(br-|veth)/.test(name))
      .flatMap(([, entries]) => entries ?? [])
      .filter((entry) => entry.family === 'IPv4' && !entry.internal)
      .map((entry) => entry.address);
    return [
      ...addressesOf('redis').map((ip) => `redis ${ip} 6379`),
      ...addressesOf('gateway').map((ip) => `gateway ${ip} 5000`),
      ...addressesOf('worker').map((ip) => `worker-health ${ip} 8081`),
      ...host.flatMap((ip) => [`host ${ip} ${listening}`, `host-gateway ${ip} ${published}`]),
    ].join('\n');
  }
}

/** What a run of the program gets as stdin through the stack. */
export function stdinOf(program: HostileProgram, targets: NetworkTargets): string {
  if (program.stdin === 'targets') return targets.stdin();
  return program.stdin ? patternStdin(program.stdin.kb) : '';
}

/** One run through the API, waiting for its result. */
export async function runThroughStack(
  language: Language,
  code: string,
  stdin = '',
  limits: object = {},
): Promise<ExecutionResult> {
  const response = await api('POST', '/api/v1/executions', { language, code, stdin, limits });
  expect(response.status, `POST /api/v1/executions: ${response.text.slice(0, 500)}`).toBe(200);
  return response.json.result as ExecutionResult;
}

/** What a failed assertion shows about a run: everything but the bulk of a flood. */
export function summary(result: ExecutionResult): string {
  const { stdout, stderr, ...rest } = result;
  return JSON.stringify({ ...rest, stdout: stdout.slice(0, 800), stderr: stderr.slice(0, 400) }, null, 1);
}

export function describeRun(result: ExecutionResult): string {
  const compile = result.compile ? ` (compile ${result.compile.status}, ${result.compile.timeMs} ms)` : '';
  return `${result.status} in ${result.timeMs} ms${compile}`;
}

/** The status and markers the program's header names, never a leak: neither LEAKED nor a secret. */
export function expectOutcome(program: HostileProgram, result: ExecutionResult, secrets: string[]): void {
  const context = `${program.language}/${program.file}: ${summary(result)}`;
  expect(result.status, context).toBe(program.expect);
  if (program.compile !== undefined) expect(result.compile?.status, context).toBe(program.compile);
  for (const marker of program.stdout) expect(result.stdout, context).toContain(marker);
  expect(result.stdout, context).not.toContain('LEAKED');
  const everything = `${result.stdout}${result.stderr}${result.compile?.output ?? ''}`;
  for (const secret of secrets)
    expect(everything.includes(secret), `${context}: a secret leaked`).toBe(false);
  if (program.maxTimeMs !== undefined) {
    expect(result.timeMs + (result.compile?.timeMs ?? 0), context).toBeLessThan(program.maxTimeMs);
  }
}

/** Each container of the language's executor: its id, restarts and start time, and whether it runs. */
export function executorStates(language: Language): string[] {
  return containersOf(`executor-${language}`)
    .map((id) =>
      docker('inspect', '-f', '{{.Id}} {{.RestartCount}} {{.State.StartedAt}} {{.State.Running}}', id),
    )
    .map((state) => state.trim())
    .sort();
}

/**
 * The check after every attack: a normal program in each slot of the language at once (as many runs as
 * the stack has slots for it), each correct and answered within PROMPT_MS; and no executor of the
 * language died or restarted meanwhile (the worker would retry a run whose executor died, and Docker
 * restarts a dead one, so neither shows in a result alone).
 */
export async function expectNormalRunsFine(
  language: Language,
  slots: number,
  before: string[],
): Promise<void> {
  const code = harnessProgram(language, 'hello');
  const names = Array.from({ length: slots }, () => `kiln-${randomBytes(4).toString('hex')}`);
  const runs = await Promise.all(
    names.map(async (name) => {
      const started = Date.now();
      const result = await runThroughStack(language, code, `${name}\n`);
      return { name, result, elapsed: Date.now() - started };
    }),
  );
  for (const { name, result, elapsed } of runs) {
    expect(result.status, `normal ${language} run: ${summary(result)}`).toBe('ok');
    expect(result.stdout, `normal ${language} run: ${summary(result)}`).toBe(`hello, ${name}!\n`);
    expect(elapsed, `normal ${language} run answered in ${elapsed} ms`).toBeLessThan(PROMPT_MS);
  }
  expect(
    executorStates(language),
    `the ${language} executors are the same containers, never restarted`,
  ).toEqual(before);
}

/** How many slots the stack has for the language, from the gateway's own account. */
export async function slotsOf(language: Language): Promise<number> {
  const response = await api('GET', '/api/v1/languages');
  const entry = (response.json.languages as Array<{ language: string; slots: number }>).find(
    (item) => item.language === language,
  );
  if (!entry || entry.slots < 1) throw new Error(`no ${language} slots: ${response.text}`);
  return entry.slots;
}
