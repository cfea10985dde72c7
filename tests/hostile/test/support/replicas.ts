import { setTimeout as sleep } from 'node:timers/promises';
import type { Language } from '@kiln/protocol';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { describeRun, expectBackToBaseline, expectOutcome, reportIfFailed, summary } from './checks.js';
import { type Executor, startExecutor } from './executor.js';
import { harnessProgram, loadPrograms } from './programs.js';

/**
 * Two replicas of one image, as `docker compose up --scale` makes them, on one host. Their slot uids are
 * the same numbers, and some kernel limits are per uid across the whole host, not per container.
 */
export function twoReplicas(language: Language): void {
  const hog = loadPrograms(language).find((program) => program.role === 'hog');

  describe(`${language}: two replicas of the image on one host`, () => {
    let replicas: Executor[] = [];

    beforeAll(async () => {
      replicas = await Promise.all([startExecutor(language, 1), startExecutor(language, 1)]);
    });
    afterEach(async ({ task }) => {
      await reportIfFailed(task, replicas);
    });
    afterAll(async () => {
      await Promise.all(replicas.map((replica) => replica.remove()));
    });

    it("a run that takes all its uid's processes in one replica leaves the same slot of the other working", async () => {
      if (!hog) throw new Error(`${language} has no program with "role: hog"`);
      const [first, second] = replicas as [Executor, Executor];
      const victim = harnessProgram(language, 'needs-processes');
      if (language === 'cpp') {
        // Compile both now (one after the other: the hog would starve the compiler), so that the timing
        // below is about running.
        await second.run(victim);
        await first.run(hog.code, '', { timeMs: 1000 });
      }

      const hogging = first.run(hog.code);
      await sleep(2000);
      const result = await second.run(victim);
      const hogged = await hogging;
      console.log(
        `[${language}] ${hog.file} in one replica: ${describeRun(hogged)}; the other's run: ${describeRun(result)}`,
      );
      expectOutcome(hog, hogged, first.token);
      expect(result.status, summary(result)).toBe('ok');
      expect(result.stdout, summary(result)).toMatch(/^fine: 499500 child\n$/);
      await expectBackToBaseline(first, hog);
      await expectBackToBaseline(second);
    });
  });
}
