import type { ExecutionResult, Language } from '@kiln/protocol';
import { describe, expect, it } from 'vitest';
import { describeRun, expectHealthy, summary, useExecutor } from './checks.js';
import type { Executor } from './executor.js';
import { harnessProgram, loadPrograms } from './programs.js';

/** How often each memory attack runs beside the honest neighbour. */
export const ROUNDS = 20;
const LIMIT_KB = 128 * 1024;
/**
 * A warm start in the other slot (the interpreter waiting on its gate, or the helper still starting it):
 * the one process of another uid the clean check lets be.
 */
const HELPER = 'warm /usr/local/libexec/kiln-run ';
export const WARM: Record<Language, string> = {
  python: `${HELPER}\nwarm /usr/bin/python3 -I -S main.py`,
  javascript: `${HELPER}\nwarm /usr/local/bin/node --max-old-space-size=128 main.js`,
  cpp: '',
};

/**
 * Memory attacks beside an honest program, in the two slots of one executor: whatever way a run spreads
 * its memory (forked children, threads, shared mappings, /dev/shm and /tmp files, open unlinked files,
 * SysV segments, Buffers, worker threads, child processes), it is held to its own limit as a whole, and
 * the program in the other slot gets the verdict it gets alone. Each round: the neighbour starts and takes
 * most of its limit, the attack starts beside it; the neighbour must be ok with its usual output, the
 * attack memory_limit_exceeded; then a run in each slot must find the container clean, promptly.
 */
export function spreadersBesideNeighbour(language: Language): void {
  const spreaders = loadPrograms(language).filter((program) => program.role === 'spreader');
  const neighbour = harnessProgram(language, 'neighbour');

  describe(`${language}: memory attacks beside an honest neighbour, two slots`, () => {
    let alone = '';
    const current = useExecutor(language, 2);

    it('runs the neighbour alone: ok, under its limit', async () => {
      const result = await current().run(neighbour);
      expect(result.status, summary(result)).toBe('ok');
      expect(result.memoryKb).toBeLessThan(LIMIT_KB);
      alone = result.stdout;
      console.log(`[${language}] neighbour alone: ${describeRun(result)}, ${result.memoryKb} KiB`);
    });

    it('does not count shared pages twice: a run just under its limit across several processes is ok', async () => {
      const results: ExecutionResult[] = [];
      for (let i = 0; i < 5; i++)
        results.push(await current().run(harnessProgram(language, 'shared-under-limit')));
      for (const result of results) {
        expect(result.status, summary(result)).toBe('ok');
        expect(result.stdout).toMatch(/failed: 0\n$/);
        expect(result.memoryKb, summary(result)).toBeLessThan(LIMIT_KB);
      }
      console.log(`[${language}] shared-under-limit: memoryKb ${results.map((r) => r.memoryKb).join(', ')}`);
    });

    for (const spreader of spreaders) {
      it(`${spreader.file}: ${ROUNDS} rounds, the attack ends memory_limit_exceeded, the neighbour is ok`, async () => {
        const target = current();
        const peaks: number[] = [];
        const neighbourVerdicts: string[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const honest = target.run(neighbour);
          await new Promise((resolve) => setTimeout(resolve, 100));
          const [attack, mine] = await Promise.all([target.run(spreader.code), honest]);
          const context = `round ${round + 1}: attack ${summary(attack)}\nneighbour ${summary(mine)}`;
          neighbourVerdicts.push(mine.status);
          expect(mine.status, context).toBe('ok');
          expect(mine.stdout, context).toBe(alone);
          expect(attack.status, context).toBe('memory_limit_exceeded');
          expect(attack.stdout, context).not.toContain('SURVIVED');
          peaks.push(attack.memoryKb);
          await expectSlotsClean(target, language, context);
        }
        await expectHealthy(target);
        const verdicts = [...new Set(neighbourVerdicts)].join('/');
        console.log(
          `[${language}] ${spreader.file}: ${ROUNDS} rounds; neighbour ${verdicts} every round; attack ` +
            `memory_limit_exceeded every round, peak ${Math.min(...peaks)}-${Math.max(...peaks)} KiB`,
        );
      });
    }
  });
}

/**
 * Once both slots are swept, one run after the other: each takes the slot the previous one did not (a
 * released slot goes to the back of the free list), so both slots are checked. Each must find the
 * container back at its baseline, promptly.
 */
export async function expectSlotsClean(target: Executor, language: Language, context: string): Promise<void> {
  const cleanCheck = harnessProgram(language, 'clean-check');
  for (let slot = 0; slot < 2; slot++) {
    await target.idle();
    const check = await target.run(cleanCheck, WARM[language]);
    expect(check.status, `${context}\nclean check ${summary(check)}`).toBe('ok');
    expect(check.stdout, `${context}\nclean check ${summary(check)}`).toMatch(/CLEAN\n$/);
    expect(check.timeMs).toBeLessThan(2000);
  }
}
