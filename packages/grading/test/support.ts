import type { CheckOutcome } from '@kiln/api';

export const accepted: CheckOutcome = { accepted: true };

/** The rejection a checker should give, written the way a reader would state it. */
export function rejectedAt(line: number, column: number, expected: string, got: string): CheckOutcome {
  return { accepted: false, hint: { line, column, expected, got } };
}
