import type { CheckOutcome } from '@kiln/api';
import { type Checker, DEFAULT_ABS_TOL, DEFAULT_REL_TOL } from '@kiln/api';
import { ACCEPTED, clip, END_OF_OUTPUT, rejected } from './hint.js';

type FloatChecker = Extract<Checker, { type: 'float' }>;
type TokenMatcher = (expected: string, got: string) => boolean;

interface Token {
  text: string;
  /** UTF-16 offset in the text it came from, kept so a hint can point at it. */
  index: number;
}

/**
 * Plain decimal notation only. `Number()` alone would also take "0x10", "0b1", "" and " ", letting a program
 * print 16 as hex and pass; those must be compared as text instead.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function checkTokens(expected: string, got: string): CheckOutcome {
  return compareTokens(expected, got, (want, have) => want === have);
}

/**
 * Numbers within tolerance of each other match; anything else (words, "nan", "inf", a number too large for a
 * double) must match as text, so a program cannot pass by printing NaN where a number was expected.
 */
export function checkFloat(checker: FloatChecker, expected: string, got: string): CheckOutcome {
  const absTol = checker.absTol ?? DEFAULT_ABS_TOL;
  const relTol = checker.relTol ?? DEFAULT_REL_TOL;
  return compareTokens(expected, got, (want, have) => {
    const b = parseFinite(want);
    const a = parseFinite(have);
    if (a === undefined || b === undefined) return want === have;
    return Math.abs(a - b) <= Math.max(absTol, relTol * Math.abs(b));
  });
}

function parseFinite(token: string): number | undefined {
  if (!DECIMAL.test(token)) return undefined;
  const value = Number(token);
  return Number.isFinite(value) ? value : undefined;
}

/**
 * Walk both token lists together. The hint's position is where the offending token starts in the output or,
 * when the output ran out, just past its last token: trailing whitespace means nothing to these checkers, so
 * pointing beyond it would only mislead.
 */
function compareTokens(expected: string, got: string, matches: TokenMatcher): CheckOutcome {
  const want = tokenize(expected);
  const have = tokenize(got);
  const length = Math.max(want.length, have.length);
  for (let i = 0; i < length; i++) {
    const w = want[i];
    const h = have[i];
    if (w !== undefined && h !== undefined && matches(w.text, h.text)) continue;
    const last = have[have.length - 1];
    const at = h?.index ?? (last === undefined ? 0 : last.index + last.text.length);
    return rejected({
      ...position(got, at),
      expected: w === undefined ? END_OF_OUTPUT : clip(w.text),
      got: h === undefined ? END_OF_OUTPUT : clip(h.text),
    });
  }
  return ACCEPTED;
}

/** `\S+` is the same split as `/\s+/` (Unicode whitespace included) and is linear on any input. */
function tokenize(text: string): Token[] {
  return Array.from(text.matchAll(/\S+/g), (match) => ({ text: match[0], index: match.index }));
}

/** 1-based line and column (in code points, as for line hints) of a UTF-16 offset in `text`. */
function position(text: string, index: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: Array.from(text.slice(lineStart, index)).length + 1 };
}
