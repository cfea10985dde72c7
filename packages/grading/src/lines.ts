import type { CheckOutcome } from '@kiln/api';
import { ACCEPTED, clip, compareLines, rejected } from './hint.js';

/** Markers for `unordered_lines`, where a line has no counterpart at all rather than a different one. */
const NOT_IN_OUTPUT = '<not in output>';
const NOT_EXPECTED = '<not expected>';

/** Byte-for-byte: for problems where whitespace is part of the answer (ASCII art, exact formatting). */
export function checkExact(expected: string, got: string): CheckOutcome {
  if (expected === got) return ACCEPTED;
  return compareLines(expected.split('\n'), got.split('\n'));
}

export function checkLines(expected: string, got: string): CheckOutcome {
  return compareLines(normaliseLines(expected), normaliseLines(got));
}

/**
 * Same lines as a multiset. The hint names the first expected line the output lacks (numbered in the expected
 * text) or, failing that, the first output line nobody asked for (numbered in the output).
 */
export function checkUnorderedLines(expected: string, got: string): CheckOutcome {
  const want = normaliseLines(expected);
  const have = normaliseLines(got);
  const missing = firstUnmatched(want, have);
  if (missing !== undefined) {
    return rejected({ line: missing + 1, column: 1, expected: clip(want[missing]!), got: NOT_IN_OUTPUT });
  }
  const extra = firstUnmatched(have, want);
  if (extra !== undefined) {
    return rejected({ line: extra + 1, column: 1, expected: NOT_EXPECTED, got: clip(have[extra]!) });
  }
  return ACCEPTED;
}

/**
 * The differences nobody means as part of an answer: Windows line endings, trailing spaces or tabs, and blank
 * lines after the last one. Blank lines between lines are kept, since they can be part of the format.
 */
function normaliseLines(text: string): string[] {
  const lines = text.replaceAll('\r\n', '\n').split('\n').map(stripTrailingBlanks);
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/**
 * A loop rather than `/[ \t]+$/`: that regex backtracks quadratically on a long run of spaces followed by
 * another character, and program output is attacker-controlled.
 */
function stripTrailingBlanks(line: string): string {
  let end = line.length;
  while (end > 0 && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  return end === line.length ? line : line.slice(0, end);
}

/** Index of the first of `lines` left without a copy once each earlier one has taken its own from `pool`. */
function firstUnmatched(lines: readonly string[], pool: readonly string[]): number | undefined {
  const counts = new Map<string, number>();
  for (const line of pool) counts.set(line, (counts.get(line) ?? 0) + 1);
  for (const [index, line] of lines.entries()) {
    const left = counts.get(line) ?? 0;
    if (left === 0) return index;
    counts.set(line, left - 1);
  }
  return undefined;
}
