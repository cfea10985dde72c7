import type { Language } from '@kiln/protocol';
import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import { describeRun, expectBackToBaseline, expectOutcome, reportIfFailed } from './checks.js';
import { type Executor, serving, startExecutor } from './executor.js';
import { loadPrograms, patternStdin } from './programs.js';

/**
 * Every attack of a language, one after another, in an executor with a single slot, so the run after each
 * attack (the clean check) lands in the very slot the attack used and sees what it left.
 */
export function attacksOneByOne(language: Language): void {
  // The network attacks need the compose stack's networks (here the container is on Docker's default
  // bridge, with a way out): tests/stack runs them.
  const programs = loadPrograms(language).filter(
    (program) => program.role === undefined && !program.stackOnly,
  );

  describe(`${language}: attacks, one slot, one after another`, () => {
    let executor: Executor | undefined;
    const current = () => {
      if (!executor) throw new Error(`no ${language} executor`);
      return executor;
    };

    beforeAll(async () => {
      executor = await startExecutor(language, 1);
    });
    afterAll(async () => {
      await executor?.remove();
    });
    // A failed attack shows the agent's own log; one that broke the executor fails its own test, and the
    // next attack gets a fresh container, so that each one is judged on its own.
    afterEach(async ({ task }) => {
      if (!executor) return;
      await reportIfFailed(task, [executor]);
      if (await serving(executor)) return;
      console.error(`[${language}] ${executor.container} is down or unhealthy; replacing it`);
      await executor.remove();
      executor = await startExecutor(language, 1);
    });

    it('starts from a clean baseline', async () => {
      await expectBackToBaseline(current());
    });

    for (const program of programs) {
      it(`${program.file} gets ${program.expect} and leaves nothing behind`, async () => {
        const target = current();
        const stdin = typeof program.stdin === 'object' ? patternStdin(program.stdin.kb) : '';
        const result = await target.run(program.code, stdin, program.limits);
        console.log(`[${language}] ${program.file}: ${describeRun(result)}`);
        expectOutcome(program, result, target.token);
        await expectBackToBaseline(target, program);
      });
    }
  });
}
