import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from './support/agent.js';

/**
 * A slot that truly cannot be cleaned: its run leaves a file in a scratch dir that then turns read-only (a
 * tmpfs of the test's own, remounted), so no sweep can remove it. That slot is retired on its own and the
 * others go on serving; only an executor with no slot left calls itself unhealthy (to be recreated).
 */
describe('a slot that cannot be cleaned', () => {
  let scratch: string;
  let agent: TestAgent | undefined;
  const mount = (...args: string[]) => execFileSync('mount', args);

  beforeEach(() => {
    scratch = mkdtempSync(join(tmpdir(), 'kiln-readonly-'));
    mount('-t', 'tmpfs', '-o', 'size=1g,mode=1777', 'kiln-test', scratch);
    chmodSync(scratch, 0o1777);
  });
  afterEach(async () => {
    await agent?.stop(1000).catch(() => undefined);
    agent = undefined;
    execFileSync('umount', [scratch]);
    rmSync(scratch, { recursive: true, force: true });
  });

  const health = async () => {
    const response = await fetch(`http://127.0.0.1:${agent!.port}/healthz`);
    return { status: response.status, ...((await response.json()) as { live: number; healthy: boolean }) };
  };
  /** Writes a file in the scratch dir, then waits while the test makes the dir read-only. */
  const stranded = () =>
    `import time\nopen(${JSON.stringify(`${scratch}/left`)}, "w").write("x")\nprint("left", flush=True)\ntime.sleep(1.5)\n`;

  const strandOne = async () => {
    const running = agent!.client.run(stranded());
    await new Promise((resolve) => setTimeout(resolve, 800));
    mount('-o', 'remount,ro', scratch);
    return running;
  };

  it('is retired alone: the executor stays healthy and runs go on in the other slot', async () => {
    agent = await startTestAgent('python', {
      KILN_SLOTS: '2',
      KILN_WARM_START: 'false',
      KILN_SCRATCH_DIRS: `/tmp:${scratch}`,
    });
    const result = await strandOne();
    expect(result.stdout, JSON.stringify(result)).toBe('left\n');
    await agent.idle();
    expect(await health()).toMatchObject({ status: 200, healthy: true, live: 1 });
    for (let i = 0; i < 3; i++) {
      expect(await agent.client.run('print(6 * 7)')).toMatchObject({ status: 'ok', stdout: '42\n' });
    }
  });

  it('leaves the executor unhealthy once it was the last one', async () => {
    agent = await startTestAgent('python', {
      KILN_SLOTS: '1',
      KILN_WARM_START: 'false',
      KILN_SCRATCH_DIRS: `/tmp:${scratch}`,
    });
    const result = await strandOne();
    expect(result.stdout, JSON.stringify(result)).toBe('left\n');
    await expect.poll(async () => (await health()).status).toBe(503);
    expect(await health()).toMatchObject({ healthy: false, live: 0 });
  });
});
