import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionResult, Language } from '@kiln/protocol';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type Executor, startExecutor } from './executor.js';
import { type HostileProgram, harnessProgram } from './programs.js';

/** What a failed assertion shows about a run: everything but the bulk of a flood. */
export function summary(result: ExecutionResult): string {
  const { stdout, stderr, ...rest } = result;
  return JSON.stringify({ ...rest, stdout: stdout.slice(0, 600), stderr: stderr.slice(0, 600) }, null, 1);
}

export function describeRun(result: ExecutionResult): string {
  const compile = result.compile
    ? ` (compile ${result.compile.status}, ${result.compile.timeMs} ms${result.compile.cached ? ', cached' : ''})`
    : '';
  return `${result.status} in ${result.timeMs} ms${compile}`;
}

/** The status the program's header names, its markers, and never a leak (neither LEAKED nor the token). */
export function expectOutcome(program: HostileProgram, result: ExecutionResult, token: string): void {
  const context = `${program.language}/${program.file}: ${summary(result)}`;
  expect(result.status, context).toBe(program.expect);
  if (program.compile !== undefined) expect(result.compile?.status, context).toBe(program.compile);
  for (const marker of program.stdout) expect(result.stdout, context).toContain(marker);
  expect(result.stdout, context).not.toContain('LEAKED');
  expect(`${result.stdout}${result.stderr}${result.compile?.output ?? ''}`, context).not.toContain(token);
  if (program.maxTimeMs !== undefined) {
    const total = result.timeMs + (result.compile?.timeMs ?? 0);
    expect(total, context).toBeLessThan(program.maxTimeMs);
  }
}

/**
 * The next run in the same slot, right after an attack: it sees the container from the inside and must find
 * it exactly at its baseline (no process of any slot uid but itself, /tmp, /dev/shm, /dev/mqueue empty, a
 * HOME holding only its source, no listener but the agent's, no SysV IPC, the attack's files and ports
 * gone), and it must itself be correct and prompt. Then the executor must still call itself healthy.
 */
export async function expectBackToBaseline(executor: Executor, after?: HostileProgram): Promise<void> {
  const stdin = [
    ...(after?.gone.paths ?? []).map((path) => `path ${path}`),
    ...(after?.gone.ports ?? []).map((port) => `port ${port}`),
  ].join('\n');
  const result = await executor.run(harnessProgram(executor.language, 'clean-check'), stdin);
  const context = `clean check${after ? ` after ${after.file}` : ''}: ${summary(result)}`;
  expect(result.status, context).toBe('ok');
  expect(result.stdout, context).toBe('hello from the clean check\nCLEAN\n');
  expect(result.timeMs, context).toBeLessThan(2000);
  await expectHealthy(executor);
}

export async function expectHealthy(executor: Executor): Promise<void> {
  expect(await executor.healthz(), `GET /healthz of ${executor.container}`).toBe(200);
  expect(await executor.dockerHealth(), `docker health of ${executor.container}`).toBe('healthy');
}

/** After a failed test: Docker's account of each executor and the agent's own log (sizes and ids only). */
export async function reportIfFailed(
  task: { name: string; result?: { state?: string } },
  executors: readonly Executor[],
): Promise<void> {
  if (task.result?.state !== 'fail') return;
  // A container whose agent just died takes a moment to be reported as exited (and why).
  await sleep(2000);
  for (const executor of executors) {
    console.error(
      `${task.name}: ${executor.container} is ${await executor.state()}; agent log:\n${await executor.logs()}`,
    );
  }
}

/**
 * One executor for the enclosing describe block: started before its tests, its own account shown after each
 * test that failed, removed after the last. Returns what the tests call to reach it.
 */
export function useExecutor(language: Language, slots: number): () => Executor {
  let executor: Executor | undefined;
  beforeAll(async () => {
    executor = await startExecutor(language, slots);
  });
  afterEach(async ({ task }) => {
    await reportIfFailed(task, executor ? [executor] : []);
  });
  afterAll(async () => {
    await executor?.remove();
  });
  return () => {
    if (!executor) throw new Error(`no ${language} executor`);
    return executor;
  };
}
