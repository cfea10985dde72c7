import type { Language } from '@kiln/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import { attackProgram } from './support/attack-programs.js';
import { type LoadItem, runLoad } from './support/load.js';
import { LOAD_REPORT, writeLoadReport } from './support/load-report.js';
import { containerOf, logLines, stackHealthy } from './support/stack.js';

/**
 * A bounded load over loopback: EXECUTIONS executions from CLIENTS concurrent clients, the three languages in
 * turn, one in twenty an attack program. Nothing may be lost, nothing may be a 5xx (a 429 with Retry-After is
 * the one refusal allowed), and every normal program must end `ok` with the right output, whatever the attack
 * in the slot next to it. An attack must end neither `ok` nor `internal_error` (Kiln's own fault); its exact
 * status is the hostile suite's business (it runs each alone). Retries are bounded: there is no
 * fault here for one to cover, beyond one attempt in a thousand. The figures go to bench/results/load.md.
 */

const EXECUTIONS = 2000;
const CLIENTS = 32;
const HOSTILE_EVERY = 20;
/** The worker's log line for an attempt that failed on Kiln's side and goes back to the queue. */
const RETRIED = '"msg":"execution will be retried"';
const LANGUAGES: Language[] = ['python', 'javascript', 'cpp'];

/** n(n+1)/2 of the n on stdin: a different input, and so a different right answer, for every execution. */
const TRIANGLE: Record<Language, (variant: number) => string> = {
  python: () => 'n = int(input())\nprint(n * (n + 1) // 2)',
  javascript: () => 'const n = Number(require("fs").readFileSync(0, "utf8"));\nconsole.log(n * (n + 1) / 2);',
  // A few distinct sources: the compile cache serves most runs, as it would for a class.
  cpp: (variant) =>
    `// variant ${variant}\n#include <cstdio>\nint main() {\n  long long n;\n` +
    '  if (std::scanf("%lld", &n) != 1) return 1;\n  std::printf("%lld\\n", n * (n + 1) / 2);\n}\n',
};

const ATTACKS = ['busy_loop', 'memory_bomb', 'output_flood', 'fork_bomb'];
const attacks = LANGUAGES.flatMap((language) => ATTACKS.map((name) => attackProgram(language, name)));

function plan(): LoadItem[] {
  return Array.from({ length: EXECUTIONS }, (_, index): LoadItem => {
    const language = LANGUAGES[index % LANGUAGES.length]!;
    if (index % HOSTILE_EVERY === HOSTILE_EVERY - 1) {
      const attack = attacks[Math.floor(index / HOSTILE_EVERY) % attacks.length]!;
      return {
        index,
        language: attack.language,
        kind: attack.name,
        code: attack.code,
        stdin: '',
        limits: attack.limits,
        status: attack.expect,
      };
    }
    const n = index * 7 + 1;
    return {
      index,
      language,
      kind: 'normal',
      code: TRIANGLE[language](index % 4),
      stdin: `${n}\n`,
      stdout: `${(n * (n + 1)) / 2}\n`,
      status: 'ok',
    };
  });
}

describe(`load: ${EXECUTIONS} executions from ${CLIENTS} clients`, () => {
  beforeAll(async () => {
    await stackHealthy();
  });

  it('loses none, answers no 5xx, and gets every normal output right', { timeout: 900_000 }, async () => {
    const items = plan();
    const worker = containerOf('worker');
    const retriedBefore = logLines(worker, RETRIED);
    const figures = await runLoad(items, CLIENTS);
    const retried = logLines(worker, RETRIED) - retriedBefore;
    const report = writeLoadReport({ ...figures, clients: CLIENTS, retried });
    console.info(`${LOAD_REPORT}:\n${report}`);

    expect(figures.tally.serverErrors).toBe(0);
    const failures = figures.outcomes.filter((outcome) => outcome.failure);
    expect(failures.map((outcome) => `#${outcome.item.index}: ${outcome.failure}`)).toEqual([]);
    const wrong = figures.outcomes.filter(({ item, result }) =>
      item.kind === 'normal'
        ? result?.status !== 'ok' || result.stdout !== item.stdout
        : result?.status === 'ok' || result?.status === 'internal_error',
    );
    expect(
      wrong.map(({ item, result }) => ({
        index: item.index,
        language: item.language,
        kind: item.kind,
        expected: item.status,
        status: result?.status,
        stdout: result?.stdout.slice(0, 80),
        stderr: result?.stderr.slice(0, 200),
      })),
    ).toEqual([]);
    expect(figures.outcomes.filter((outcome) => outcome.item.kind !== 'normal')).toHaveLength(
      EXECUTIONS / HOSTILE_EVERY,
    );
    // Nothing here is a fault of Kiln's: retries are bounded at one attempt in a thousand (a fresh-clone CI
    // run saw 1 in 2,000; the report counts them).
    expect(retried).toBeLessThanOrEqual(EXECUTIONS / 1000);
  });
});
