import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Language } from '@kiln/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slotDirsAtBaseline, startTestAgent, TEST_UID_BASE, type TestAgent } from './support/agent.js';
import { processesOf } from './support/processes.js';

/** A program that prints its input reversed and the pid of its interpreter, to tell warm from cold runs. */
const echo: Record<Exclude<Language, 'cpp'>, string> = {
  python: 'import os, sys\nprint(sys.stdin.read()[::-1], os.getpid())\n',
  javascript:
    'console.log(require("fs").readFileSync(0, "utf8").split("").reverse().join(""), process.pid);\n',
};

const uidsOf = (language: Language) => Array.from({ length: 2 }, (_, i) => TEST_UID_BASE[language] + i);

describe.each(Object.keys(echo) as Array<keyof typeof echo>)('%s: warm start', (language) => {
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent(language, { KILN_SLOTS: '2' });
  });
  afterAll(() => agent?.stop());

  it('keeps a runtime waiting in each idle slot, as the slot uid, on the gate of a work dir root holds', async () => {
    await agent.idle();
    for (const uid of uidsOf(language)) {
      await expect.poll(() => processesOf(uid).length).toBeGreaterThan(0);
    }
    const slots = slotDirsAtBaseline(agent.root);
    expect(slots.map(({ slot }) => slot).sort()).toEqual(['slot-0', 'slot-1']);
    for (const { slot, entries, gate } of slots) expect(gate, `${slot}: ${entries.join(', ')}`).toBe(true);
  });

  it('runs the program in the waiting runtime: its source and its input arrive whole', async () => {
    const waiting = new Set(uidsOf(language).flatMap((uid) => processesOf(uid)));
    const result = await agent.client.run(echo[language], 'abc');
    expect(result).toMatchObject({ status: 'ok', stderr: '' });
    const [reversed, pid] = result.stdout.trim().split(' ');
    expect(reversed).toBe('cba');
    // The interpreter's pid is one of the processes that waited before the run (kiln-run execs it).
    expect(waiting.has(Number(pid))).toBe(true);
  });

  it('starts cold when a run asks for limits the waiting runtime was not started with', async () => {
    const result = await agent.client.run(echo[language], 'xyz', { memoryMb: 64, cpuTimeMs: 2000 });
    expect(result).toMatchObject({ status: 'ok', stderr: '' });
    expect(result.stdout.split(' ')[0]).toBe('zyx');
    // and the next run at the defaults finds a warm runtime again
    await agent.idle();
    expect((await agent.client.run(echo[language], 'ok')).stdout.split(' ')[0]).toBe('ko');
  });

  it('counts the CPU time of the program, not of the runtime start-up it was spared', async () => {
    const code = language === 'python' ? 'print(1)\n' : 'console.log(1);\n';
    // The same program, warm (default limits) and cold (other limits), five times each: a cold run pays
    // the interpreter's start-up in CPU time (python about 10 ms, node about 30 ms), a warm one must not.
    const warm: number[] = [];
    const cold: number[] = [];
    for (let i = 0; i < 5; i++) {
      await agent.idle();
      warm.push((await agent.client.run(code)).cpuTimeMs);
      cold.push((await agent.client.run(code, '', { cpuTimeMs: 3000 })).cpuTimeMs);
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[2]!;
    expect(median(warm), `warm ${warm}, cold ${cold}`).toBeLessThan(median(cold) / 2);
  });

  it('leaves no process and no work dir behind when the agent stops', async () => {
    await agent.idle();
    await agent.stop();
    for (const uid of uidsOf(language)) expect(processesOf(uid)).toEqual([]);
    agent = undefined as unknown as TestAgent;
  });
});

describe('warm start switched off (KILN_WARM_START=false)', () => {
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent('python', { KILN_SLOTS: '2', KILN_WARM_START: 'false' });
  });
  afterAll(() => agent?.stop());

  it('leaves idle slots without a process or a work dir', async () => {
    expect((await agent.client.run(echo.python, 'ab')).stdout.split(' ')[0]).toBe('ba');
    await agent.idle();
    for (const uid of uidsOf('python')) expect(processesOf(uid)).toEqual([]);
    expect(readdirSync(join(agent.root, 'sandbox'))).toEqual([]);
  });
});
