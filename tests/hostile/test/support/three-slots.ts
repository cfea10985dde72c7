import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Language } from '@kiln/protocol';
import { describe, expect, it } from 'vitest';
import { describeRun, expectHealthy, expectOutcome, summary, useExecutor } from './checks.js';
import { cppImageChecks } from './cpp-image.js';
import { harnessProgram, loadPrograms } from './programs.js';

/**
 * The image under the hardened flags, and an executor with three slots busy at once: runs must neither
 * disturb nor see each other.
 */
export function threeSlots(language: Language): void {
  const programs = loadPrograms(language);
  const role = (name: 'holder' | 'snoop') => {
    const found = programs.find((program) => program.role === name);
    if (!found) throw new Error(`${language} has no program with "role: ${name}"`);
    return found;
  };

  describe(`${language}: the image under the hardened flags, three slots`, () => {
    const current = useExecutor(language, 3);

    it('answers a hello world with ok over the WebSocket link', async () => {
      const result = await current().run(harnessProgram(language, 'hello'), 'Kiln\n');
      console.log(`[${language}] hello world: ${describeRun(result)}`);
      expect(result.status, summary(result)).toBe('ok');
      expect(result.stdout).toBe('hello, Kiln!\n');
      expect(result.exitCode).toBe(0);
    });

    if (language === 'cpp') cppImageChecks(current);

    it('runs three programs at once, one per slot, each with its own files', async () => {
      const target = current();
      const code = harnessProgram(language, 'slot-worker');
      // Compiled languages compile first; a cache hit keeps the three runs side by side.
      await target.run(code, 'warm-up');
      const inputs = ['alpha', 'bravo', 'charlie'].map((name) => `${name}-${randomBytes(4).toString('hex')}`);
      const started = Date.now();
      const results = await Promise.all(inputs.map((input) => target.run(code, `${input}\n`)));
      const elapsed = Date.now() - started;
      console.log(
        `[${language}] three slots at once: ${results.map(describeRun).join('; ')}; ${elapsed} ms in all`,
      );
      const uids = new Set<string>();
      results.forEach((result, index) => {
        expect(result.status, summary(result)).toBe('ok');
        expect(result.stdout, summary(result)).toMatch(new RegExp(`^${inputs[index]} uid=(\\d+) intact\\n$`));
        uids.add(/uid=(\d+)/.exec(result.stdout)?.[1] ?? '');
      });
      expect(uids.size, 'three distinct slot uids').toBe(3);
      // Each run waits 1.5 s: one after another would take at least 4.5 s.
      expect(elapsed).toBeLessThan(4000);
      await expectHealthy(current());
    });

    it("keeps a slot's files and processes out of reach of a run in another slot", async () => {
      const target = current();
      const holder = role('holder');
      const snoop = role('snoop');
      if (language === 'cpp') {
        // Compile both beforehand, so that the two really run at the same time below.
        await Promise.all([target.run(holder.code, 'warm-up\n'), target.run(snoop.code)]);
      }
      const secret = `secret-${randomBytes(16).toString('hex')}`;
      const holding = target.run(holder.code, `${secret}\n`);
      await sleep(300);
      const snooped = await target.run(snoop.code);
      const held = await holding;
      console.log(
        `[${language}] ${holder.file}: ${describeRun(held)}; ${snoop.file}: ${describeRun(snooped)}`,
      );
      expectOutcome(holder, held, current().token);
      expectOutcome(snoop, snooped, current().token);
      expect(`${snooped.stdout}${snooped.stderr}`, 'the snoop must never see the secret').not.toContain(
        secret,
      );
      expect(held.timeMs, 'the holder must have lived through the snoop').toBeGreaterThanOrEqual(2000);
      await expectHealthy(current());
    });
  });
}
