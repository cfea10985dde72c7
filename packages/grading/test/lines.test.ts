import { describe, expect, it } from 'vitest';
import { check, END_OF_OUTPUT } from '../src/index.js';
import { accepted, rejectedAt } from './support.js';

const exact = { type: 'exact' } as const;
const lines = { type: 'lines' } as const;
const unordered = { type: 'unordered_lines' } as const;

describe('exact', () => {
  it('accepts identical text, empty included', () => {
    expect(check(exact, '', '')).toEqual(accepted);
    expect(check(exact, 'a\nb\n', 'a\nb\n')).toEqual(accepted);
  });

  it('rejects a missing final newline as a missing empty last line', () => {
    expect(check(exact, 'a\n', 'a')).toEqual(rejectedAt(2, 1, '', END_OF_OUTPUT));
    expect(check(exact, '', 'x')).toEqual(rejectedAt(1, 1, '', 'x'));
  });

  it('rejects CRLF and trailing spaces, pointing at the first extra character', () => {
    expect(check(exact, 'a\n', 'a\r\n')).toEqual(rejectedAt(1, 2, 'a', 'a\r'));
    expect(check(exact, 'ab\n', 'ab \n')).toEqual(rejectedAt(1, 3, 'ab', 'ab '));
  });

  it('counts columns in code points and does not normalise Unicode', () => {
    expect(check(exact, 'naïve 😀 x', 'naïve 😀 y')).toEqual(rejectedAt(1, 9, 'naïve 😀 x', 'naïve 😀 y'));
    expect(check(exact, 'caf\u00e9', 'cafe\u0301')).toEqual(rejectedAt(1, 4, 'caf\u00e9', 'cafe\u0301'));
  });
});

describe('lines', () => {
  it('accepts empty against empty or only blank lines', () => {
    expect(check(lines, '', '')).toEqual(accepted);
    expect(check(lines, '', '\n \n\t\n')).toEqual(accepted);
    expect(check(lines, '\n\n', '')).toEqual(accepted);
  });

  it('rejects output where none was expected, and none where some was', () => {
    expect(check(lines, '', 'x')).toEqual(rejectedAt(1, 1, END_OF_OUTPUT, 'x'));
    expect(check(lines, 'x\n', '')).toEqual(rejectedAt(1, 1, 'x', END_OF_OUTPUT));
  });

  it('ignores the final newline, CRLF, trailing spaces and tabs, and trailing blank lines', () => {
    expect(check(lines, 'a\nb\n', 'a\nb')).toEqual(accepted);
    expect(check(lines, 'a\nb', 'a\r\nb\r\n')).toEqual(accepted);
    expect(check(lines, 'a\nb', 'a \t\nb\t  ')).toEqual(accepted);
    expect(check(lines, 'a  \r\n', 'a\n\n\n  \n\r\n')).toEqual(accepted);
  });

  it('does not ignore leading spaces, blank lines in the middle, or a lone CR', () => {
    expect(check(lines, 'a', ' a')).toEqual(rejectedAt(1, 1, 'a', ' a'));
    expect(check(lines, 'a\nb', 'a\n\nb')).toEqual(rejectedAt(2, 1, 'b', ''));
    expect(check(lines, 'a\nb', 'a\rb')).toEqual(rejectedAt(1, 2, 'a', 'a\rb'));
  });

  it('points at the first differing line and character', () => {
    expect(check(lines, 'one\ntwo\nthree\n', 'one\ntwo\nthreE\n')).toEqual(
      rejectedAt(3, 5, 'three', 'threE'),
    );
    expect(check(lines, 'abc', 'ab')).toEqual(rejectedAt(1, 3, 'abc', 'ab'));
    expect(check(lines, 'ab', 'abc')).toEqual(rejectedAt(1, 3, 'ab', 'abc'));
  });

  it('shows the normalised lines in the hint', () => {
    expect(check(lines, 'x  \r\n', 'y\t\r\n')).toEqual(rejectedAt(1, 1, 'x', 'y'));
  });

  it('reports a missing or extra line as the end of output', () => {
    expect(check(lines, 'a\nb\nc\n', 'a\nb\n')).toEqual(rejectedAt(3, 1, 'c', END_OF_OUTPUT));
    expect(check(lines, 'a\n', 'a\nb\n')).toEqual(rejectedAt(2, 1, END_OF_OUTPUT, 'b'));
  });

  it('compares Unicode text exactly', () => {
    expect(check(lines, 'Grüße, 世界\n', 'Grüße, 世界')).toEqual(accepted);
    expect(check(lines, '😀😀😀', '😀😀😁')).toEqual(rejectedAt(1, 3, '😀😀😀', '😀😀😁'));
  });

  it('truncates long lines in the hint to 200 characters, but keeps the true column', () => {
    const long = 'x'.repeat(1000);
    const hint = rejectedAt(1, 1000, `${'x'.repeat(200)}…`, `${'x'.repeat(200)}…`);
    expect(check(lines, long, `${'x'.repeat(999)}y`)).toEqual(hint);
  });

  it('keeps a line of exactly 200 characters whole', () => {
    const a = 'a'.repeat(200);
    expect(check(lines, a, 'b')).toEqual(rejectedAt(1, 1, a, 'b'));
  });

  it('truncates by code points, never splitting a surrogate pair', () => {
    const want = '😀'.repeat(300);
    const got = `${'😀'.repeat(299)}x`;
    const clipped = `${'😀'.repeat(200)}…`;
    expect(check(lines, want, got)).toEqual(rejectedAt(1, 300, clipped, clipped));
  });

  it('stays fast on long runs of trailing-looking spaces', () => {
    const spaces = `${' '.repeat(200_000)}x`;
    const started = performance.now();
    expect(check(lines, spaces, spaces)).toEqual(accepted);
    expect(performance.now() - started).toBeLessThan(500);
  });
});

describe('unordered_lines', () => {
  it('accepts the same lines in another order, normalised as for lines', () => {
    expect(check(unordered, 'a\nb\nc\n', 'c\na\nb')).toEqual(accepted);
    expect(check(unordered, 'a\nb', 'b \r\na\t\r\n\n')).toEqual(accepted);
    expect(check(unordered, '', '\n\n')).toEqual(accepted);
  });

  it('counts duplicates', () => {
    expect(check(unordered, 'a\na\nb', 'b\na\na')).toEqual(accepted);
    expect(check(unordered, 'a\na\nb', 'a\nb\nb')).toEqual(rejectedAt(2, 1, 'a', '<not in output>'));
    expect(check(unordered, 'a', 'a\na')).toEqual(rejectedAt(2, 1, '<not expected>', 'a'));
  });

  it('names the first missing expected line, by its line in the expected output', () => {
    expect(check(unordered, 'a\nb\nc', 'c\na')).toEqual(rejectedAt(2, 1, 'b', '<not in output>'));
    expect(check(unordered, 'a', '')).toEqual(rejectedAt(1, 1, 'a', '<not in output>'));
  });

  it('otherwise names the first extra line, by its line in the output', () => {
    expect(check(unordered, 'a\nb', 'b\na\nc')).toEqual(rejectedAt(3, 1, '<not expected>', 'c'));
    expect(check(unordered, '', 'x')).toEqual(rejectedAt(1, 1, '<not expected>', 'x'));
  });

  it('counts a blank line in the middle as a line', () => {
    expect(check(unordered, 'a\nb', 'a\n\nb')).toEqual(rejectedAt(2, 1, '<not expected>', ''));
  });

  it('truncates long lines in the hint', () => {
    const long = 'z'.repeat(500);
    expect(check(unordered, long, 'y')).toEqual(rejectedAt(1, 1, `${'z'.repeat(200)}…`, '<not in output>'));
  });
});
