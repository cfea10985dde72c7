import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ExecutionResult, Language } from '@kiln/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeRun,
  executorStates,
  expectNormalRunsFine,
  expectOutcome,
  type HostileProgram,
  harnessProgram,
  loadPrograms,
  NetworkTargets,
  runThroughStack,
  slotsOf,
  stackSecrets,
  stdinOf,
  summary,
} from './support/attack-checks.js';
import { api, until } from './support/http.js';

/**
 * Every attack program of tests/hostile, through the whole stack: HTTP in, the queue, the worker, an
 * executor, and back. Each must get the status its header names, leak neither of the stack's secrets, and
 * leave the language's executors serving: right after it, a normal program in every slot of the language
 * must be correct and prompt, in the very same containers. Attacks of one language run one after another;
 * the three languages at once, each in its own executors.
 */

const LANGUAGES: Language[] = ['python', 'javascript', 'cpp'];
let secrets: string[] = [];
const targets = new NetworkTargets();

beforeAll(async () => {
  secrets = stackSecrets();
  expect(secrets.every((secret) => secret.length >= 32)).toBe(true);
  await targets.open();
});
afterAll(async () => {
  await targets.close();
});

it('refuses a stdin past the gateway cap (2 MiB against 1) before any executor sees it', async () => {
  const response = await api('POST', '/api/v1/executions', {
    language: 'python',
    code: 'print(len(input()))',
    stdin: 'k'.repeat(2 * 1024 * 1024),
  });
  expect(response.status).toBe(413);
  expect(response.json.error.code).toBe('PAYLOAD_TOO_LARGE');
});

describe('hostile programs through the stack', () => {
  for (const language of LANGUAGES) {
    const programs = loadPrograms(language);
    const role = (name: 'holder' | 'snoop' | 'hog') => {
      const found = programs.find((program) => program.role === name);
      if (!found) throw new Error(`${language} has no program with "role: ${name}"`);
      return found;
    };

    describe.concurrent(language, () => {
      describe('one after another', { concurrent: false }, () => {
        let slots = 0;

        beforeAll(async () => {
          slots = await slotsOf(language);
          // C++ compiles the normal program once here, so that the checks after each attack time runs.
          await runThroughStack(language, harnessProgram(language, 'hello'), 'warm-up\n');
        });

        // Memory spreaders and the flood of files run alone here (their neighbour tests are tests/hostile):
        // through the stack too, the run as a whole is held to its limits.
        for (const program of programs.filter(
          (candidate) => !candidate.role || candidate.role === 'spreader' || candidate.role === 'flooder',
        )) {
          it(`${program.file} gets ${program.expect}, then ${language} still runs normal programs`, async () => {
            const before = executorStates(language);
            const result = await runThroughStack(
              language,
              program.code,
              stdinOf(program, targets),
              program.limits,
            );
            console.log(`[stack ${language}] ${program.file}: ${describeRun(result)}`);
            expectOutcome(program, result, secrets);
            if (program.stdin === 'targets') expect(targets.accepted, 'connections to the host').toBe(0);
            await expectNormalRunsFine(language, slots, before);
          });
        }

        it(`keeps a slot's files out of reach of a run in another slot (${role('snoop').file})`, async () => {
          const before = executorStates(language);
          await holdersAndSnoop(language, slots, role('holder'), role('snoop'));
          await expectNormalRunsFine(language, slots, before);
        });

        it(`a run taking all its uid's processes leaves every other slot working (${role('hog').file})`, async () => {
          const before = executorStates(language);
          await hogAndVictims(language, slots, role('hog'));
          await expectNormalRunsFine(language, slots, before);
        });
      });
    });
  }
});

/** Submit without waiting, and wait until the worker has the job running. */
async function start(language: Language, code: string, stdin: string): Promise<string> {
  const created = await api('POST', '/api/v1/executions?wait=false', { language, code, stdin });
  expect(created.status, created.text).toBe(202);
  await until(async () => {
    const polled = await api('GET', `/api/v1/executions/${created.json.id}`);
    return polled.json.state === 'queued' ? undefined : true;
  }, 30_000);
  return created.json.id as string;
}

async function finished(id: string): Promise<ExecutionResult> {
  return until(async () => {
    const polled = await api('GET', `/api/v1/executions/${id}`);
    return polled.json.state === 'finished' ? (polled.json.result as ExecutionResult) : undefined;
  }, 60_000);
}

/**
 * The two-slot attack through the stack: holders in every slot but one, each with its own secret, then the
 * snoop in the last free slot, which is in a container with at least one holder whatever the replicas.
 */
async function holdersAndSnoop(
  language: Language,
  slots: number,
  holder: HostileProgram,
  snoop: HostileProgram,
): Promise<void> {
  if (language === 'cpp') {
    // Compile both first, so that the snoop runs while the holders sleep.
    await Promise.all([
      runThroughStack(language, holder.code, 'warm-up\n'),
      runThroughStack(language, snoop.code),
    ]);
  }
  const held = Array.from({ length: slots - 1 }, () => `secret-${randomBytes(16).toString('hex')}`);
  const ids = await Promise.all(held.map((secret) => start(language, holder.code, `${secret}\n`)));
  await sleep(300);
  const snooped = await runThroughStack(language, snoop.code);
  const holders = await Promise.all(ids.map(finished));
  console.log(
    `[stack ${language}] ${holder.file} x${held.length}: ${holders.map(describeRun).join('; ')}; ` +
      `${snoop.file}: ${describeRun(snooped)}`,
  );
  expectOutcome(snoop, snooped, [...secrets, ...held]);
  for (const result of holders) {
    expectOutcome(holder, result, secrets);
    expect(result.timeMs, `the holder lived through the snoop: ${summary(result)}`).toBeGreaterThanOrEqual(
      2000,
    );
  }
}

/**
 * The hog through the stack: it takes every process its uid may have, and meanwhile a program that needs
 * a thread and a child runs in every other slot of the language (the other replica's too, for Python).
 */
async function hogAndVictims(language: Language, slots: number, hog: HostileProgram): Promise<void> {
  const victim = harnessProgram(language, 'needs-processes');
  if (language === 'cpp') {
    // Compile both first (one after the other: the hog would starve the compiler).
    await runThroughStack(language, victim);
    await runThroughStack(language, hog.code, '', { timeMs: 1000 });
  }
  const id = await start(language, hog.code, '');
  await sleep(2000);
  const victims = await Promise.all(
    Array.from({ length: slots - 1 }, () => runThroughStack(language, victim)),
  );
  const hogged = await finished(id);
  console.log(
    `[stack ${language}] ${hog.file}: ${describeRun(hogged)}; others: ${victims.map(describeRun).join('; ')}`,
  );
  expectOutcome(hog, hogged, secrets);
  for (const result of victims) {
    expect(result.status, summary(result)).toBe('ok');
    expect(result.stdout, summary(result)).toMatch(/^fine: 499500 child\n$/);
  }
}
