import type { CheckOutcome, DiffHint } from '@kiln/api';

/** Stands in for a line or token when that side has none left. */
export const END_OF_OUTPUT = '<end of output>';

/** Hints travel in API responses and UIs; a megabyte-long line would drown both. */
const HINT_MAX_CHARS = 200;

export const ACCEPTED: CheckOutcome = Object.freeze({ accepted: true });

export function rejected(hint: DiffHint): CheckOutcome {
  return { accepted: false, hint };
}

/** Shorten by code points, not UTF-16 units, so a cut never splits a surrogate pair into garbage. */
export function clip(text: string): string {
  if (text.length <= HINT_MAX_CHARS) return text;
  const chars = Array.from(text);
  return chars.length <= HINT_MAX_CHARS ? text : `${chars.slice(0, HINT_MAX_CHARS).join('')}…`;
}

/** 1-based column of the first differing character; one past the shorter line if one is a prefix of the other. */
function firstDifferingColumn(a: string, b: string): number {
  const left = Array.from(a);
  const right = Array.from(b);
  let i = 0;
  while (i < left.length && i < right.length && left[i] === right[i]) i++;
  return i + 1;
}

/**
 * Compare two line lists and point at the first line where they differ. Columns are counted in code points
 * because that is what an editor shows as one character.
 */
export function compareLines(expected: readonly string[], got: readonly string[]): CheckOutcome {
  const length = Math.max(expected.length, got.length);
  for (let i = 0; i < length; i++) {
    const want = expected[i];
    const have = got[i];
    if (want === have) continue;
    return rejected({
      line: i + 1,
      column: want === undefined || have === undefined ? 1 : firstDifferingColumn(want, have),
      expected: want === undefined ? END_OF_OUTPUT : clip(want),
      got: have === undefined ? END_OF_OUTPUT : clip(have),
    });
  }
  return ACCEPTED;
}
