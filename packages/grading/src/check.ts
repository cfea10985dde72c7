import type { Checker, CheckerType, CheckOutcome } from '@kiln/api';
import { checkExact, checkLines, checkUnorderedLines } from './lines.js';
import { checkFloat, checkTokens } from './tokens.js';

type CheckerOf<T extends CheckerType> = Extract<Checker, { type: T }>;
type CheckerFn<T extends CheckerType> = (
  checker: CheckerOf<T>,
  expected: string,
  got: string,
) => CheckOutcome;

/** One entry per checker type: a new type in `CheckerSchema` does not compile until it is implemented here. */
const CHECKERS: { [T in CheckerType]: CheckerFn<T> } = {
  exact: (_, expected, got) => checkExact(expected, got),
  lines: (_, expected, got) => checkLines(expected, got),
  tokens: (_, expected, got) => checkTokens(expected, got),
  float: checkFloat,
  unordered_lines: (_, expected, got) => checkUnorderedLines(expected, got),
};

/**
 * Compare a program's output with the expected output. Pure and total: any two strings give an outcome, and a
 * rejection always says where the first mismatch is.
 */
export function check(checker: Checker, expected: string, got: string): CheckOutcome {
  // TypeScript cannot see that `checker.type` picks the entry taking this very `checker`; the table's type
  // already ties each entry to its own checker, so widening here loses nothing.
  const run = CHECKERS[checker.type] as CheckerFn<CheckerType>;
  return run(checker, expected, got);
}
