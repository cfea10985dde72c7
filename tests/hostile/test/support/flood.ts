import type { Language } from '@kiln/protocol';
import { describe, expect, it } from 'vitest';
import { describeRun, expectHealthy, expectOutcome, summary, useExecutor } from './checks.js';
import { expectSlotsClean } from './neighbours.js';
import { harnessProgram, loadPrograms } from './programs.js';

/** How often the flood runs beside the honest neighbour. */
const ROUNDS = 10;
/** 900 entries in each of the three file systems. */
const MADE = 'MADE 2700\n';

/**
 * A flood of empty files and directories (the program with `role: flooder`) beside an honest program that
 * makes entries of its own, in the two slots of one executor. The work dirs, /tmp and /dev/shm are each one
 * file system shared by the slots, with an inode limit: the flood may hold only its share of each (a third
 * with two slots), so the neighbour, within its own share, makes every one of its 2,700 entries while the
 * flood is under way, and the flood ends runtime_error (the guard's "files" violation). Each round: the
 * neighbour starts, the flood starts beside it; then a run in each slot must find the container clean.
 */
export function floodBesideNeighbour(language: Language): void {
  const flooder = loadPrograms(language).find((program) => program.role === 'flooder');
  const neighbour = harnessProgram(language, 'file-maker');

  describe(`${language}: a flood of files beside an honest neighbour making files, two slots`, () => {
    const current = useExecutor(language, 2);

    it('runs the neighbour alone: it makes all its entries', async () => {
      const result = await current().run(neighbour);
      expect(result.status, summary(result)).toBe('ok');
      expect(result.stdout, summary(result)).toBe(MADE);
      console.log(`[${language}] file-maker alone: ${describeRun(result)}`);
    });

    it(`${ROUNDS} rounds: the flood ends at its share, the neighbour makes every entry`, async () => {
      if (!flooder) throw new Error(`${language} has no program with "role: flooder"`);
      const target = current();
      const floodTimes: number[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        const honest = target.run(neighbour);
        await new Promise((resolve) => setTimeout(resolve, 150));
        const [flood, mine] = await Promise.all([target.run(flooder.code, '', flooder.limits), honest]);
        const context = `round ${round + 1}: flood ${summary(flood)}\nneighbour ${summary(mine)}`;
        expect(mine.status, context).toBe('ok');
        expect(mine.stdout, context).toBe(MADE);
        expectOutcome(flooder, flood, target.token);
        expect(flood.stderr, context).toContain('more files or directories');
        floodTimes.push(flood.timeMs);
        await expectSlotsClean(target, language, context);
      }
      await expectHealthy(target);
      console.log(
        `[${language}] ${flooder.file}: ${ROUNDS} rounds; neighbour made its 2,700 entries every round; ` +
          `flood ended runtime_error (its share) every round, after ${Math.min(...floodTimes)}-` +
          `${Math.max(...floodTimes)} ms`,
      );
    });
  });
}
