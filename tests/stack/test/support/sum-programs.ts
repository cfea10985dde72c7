import { randomUUID } from 'node:crypto';

/**
 * The batch's problem ("a b" → a+b, ten tests) and five C++ answers to it, each with the grade it must get:
 * the verdict of every test is a function of the test's `a`, so the whole grade is known in advance.
 */

type TestVerdict = 'accepted' | 'wrong_answer' | 'time_limit_exceeded' | 'runtime_error' | 'compile_error';

export const SUM_TESTS = Array.from({ length: 10 }, (_, i) => {
  const a = i + 1;
  const b = 10 * a + 3;
  return { stdin: `${a} ${b}\n`, expected: `${a + b}\n` };
});

/** Wall-clock limit of the batch: the spinning answer must hit it, the others never come near it. */
export const SUM_TIME_MS = 1000;

export interface SumProgram {
  name: string;
  code: string;
  /** Whether it compiles (so its binary can come from the compile cache). */
  compiles: boolean;
  /** The verdict of each test, in test order. */
  verdicts: TestVerdict[];
  /** Exit codes that must show, by test index. */
  exitCodes?: Record<number, number>;
}

// A fresh comment per run: no compile cache of an earlier run in the same stack can hold these sources.
const stamp = `// kiln stack test ${randomUUID()}\n`;
const program = (body: string) =>
  `${stamp}#include <cstdio>\n#include <cstdlib>\nint main() {\n  long long a, b;\n` +
  `  if (std::scanf("%lld %lld", &a, &b) != 2) return 1;\n${body}\n}\n`;
const verdicts = (when: (a: number) => TestVerdict) => SUM_TESTS.map((_, i) => when(i + 1));

export const SUM_PROGRAMS: SumProgram[] = [
  {
    name: 'correct',
    code: program('  std::printf("%lld\\n", a + b);'),
    compiles: true,
    verdicts: verdicts(() => 'accepted'),
  },
  {
    name: 'wrong',
    code: program('  std::printf("%lld\\n", a % 3 == 0 ? a + b + 1 : a + b);'),
    compiles: true,
    verdicts: verdicts((a) => (a % 3 === 0 ? 'wrong_answer' : 'accepted')),
  },
  {
    // volatile: an empty endless loop is undefined behaviour, which the optimizer may delete.
    name: 'spin',
    code: program(
      '  if (a % 2 == 0) { volatile unsigned long spin = 0; for (;;) spin = spin + 1; }\n' +
        '  std::printf("%lld\\n", a + b);',
    ),
    compiles: true,
    verdicts: verdicts((a) => (a % 2 === 0 ? 'time_limit_exceeded' : 'accepted')),
  },
  {
    name: 'crash',
    code: program('  if (a == 5) return 3;\n  if (a > 7) std::abort();\n  std::printf("%lld\\n", a + b);'),
    compiles: true,
    verdicts: verdicts((a) => (a === 5 || a > 7 ? 'runtime_error' : 'accepted')),
    exitCodes: { 4: 3 },
  },
  {
    name: 'broken',
    code: program('  std::printf("%lld\\n", a + c);'),
    compiles: false,
    verdicts: verdicts(() => 'compile_error'),
  },
];

/** The grade a program's verdicts add up to: every test weighs 1, the first failure names the submission. */
export function expectedGrade(sum: SumProgram) {
  const passed = sum.verdicts.filter((verdict) => verdict === 'accepted').length;
  return {
    verdict: sum.verdicts.find((verdict) => verdict !== 'accepted') ?? 'accepted',
    score: passed,
    maxScore: sum.verdicts.length,
    passed,
  };
}
