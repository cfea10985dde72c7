import type { Checker } from '@kiln/api';
import { describe, expect, it } from 'vitest';
import { check, END_OF_OUTPUT } from '../src/index.js';
import { accepted, rejectedAt } from './support.js';

const tokens = { type: 'tokens' } as const;
const float = { type: 'float' } as const;

describe('tokens', () => {
  it('accepts empty against whitespace only', () => {
    expect(check(tokens, '', '')).toEqual(accepted);
    expect(check(tokens, '\n', '  \r\n\t')).toEqual(accepted);
  });

  it('ignores how tokens are split across spaces, tabs, newlines and CRLF', () => {
    expect(check(tokens, '1 2 3\n', '1\n2\t 3\r\n')).toEqual(accepted);
    expect(check(tokens, '  a   b  ', 'a\n\n\nb')).toEqual(accepted);
    expect(check(tokens, 'a b', 'a\u00a0b')).toEqual(accepted);
  });

  it('points at the start of the first differing token in the output', () => {
    expect(check(tokens, '1 2 3 4', '1 2\n  5 4')).toEqual(rejectedAt(2, 3, '3', '5'));
    expect(check(tokens, 'Yes', 'yes')).toEqual(rejectedAt(1, 1, 'Yes', 'yes'));
  });

  it('points just past the last token when the output runs out', () => {
    expect(check(tokens, '1 2 3', '1 2')).toEqual(rejectedAt(1, 4, '3', END_OF_OUTPUT));
    expect(check(tokens, '1 2 3', '1\n 2\n\n')).toEqual(rejectedAt(2, 3, '3', END_OF_OUTPUT));
    expect(check(tokens, 'x', '')).toEqual(rejectedAt(1, 1, 'x', END_OF_OUTPUT));
  });

  it('points at the first extra token', () => {
    expect(check(tokens, '1 2', '1 2 3')).toEqual(rejectedAt(1, 5, END_OF_OUTPUT, '3'));
    expect(check(tokens, '', '\n  x')).toEqual(rejectedAt(2, 3, END_OF_OUTPUT, 'x'));
  });

  it('counts columns in code points', () => {
    expect(check(tokens, 'héllo wörld', 'héllo world')).toEqual(rejectedAt(1, 7, 'wörld', 'world'));
    expect(check(tokens, '😀 a', '😀 b')).toEqual(rejectedAt(1, 3, 'a', 'b'));
  });

  it('compares numbers as text', () => {
    expect(check(tokens, '1', '1.0')).toEqual(rejectedAt(1, 1, '1', '1.0'));
  });

  it('truncates long tokens in the hint', () => {
    const long = 'q'.repeat(300);
    expect(check(tokens, long, 'q')).toEqual(rejectedAt(1, 1, `${'q'.repeat(200)}…`, 'q'));
  });
});

describe('float', () => {
  it('accepts numbers within the default tolerance of 1e-6', () => {
    expect(check(float, '0.1 0.2\n', '0.1000005 0.2')).toEqual(accepted);
    expect(check(float, '1000000000', '1000000500')).toEqual(accepted);
    expect(check(float, '1', '1.00001')).toEqual(rejectedAt(1, 1, '1', '1.00001'));
  });

  it('reads integers and every decimal notation alike', () => {
    expect(check(float, '3', '3.0')).toEqual(accepted);
    expect(check(float, '1e-3', '0.001')).toEqual(accepted);
    expect(check(float, '1E3 2.5e+2', '1000 250')).toEqual(accepted);
    expect(check(float, '+1 .5 5.', '1 0.5 5')).toEqual(accepted);
    expect(check(float, '3', '4')).toEqual(rejectedAt(1, 1, '3', '4'));
  });

  it('treats negative zero as zero', () => {
    expect(check(float, '-0', '0')).toEqual(accepted);
    expect(check(float, '0', '-0.0')).toEqual(accepted);
  });

  it('compares NaN, infinities and numbers too large for a double as text', () => {
    expect(check(float, 'nan inf NaN', 'nan inf NaN')).toEqual(accepted);
    expect(check(float, '1', 'NaN')).toEqual(rejectedAt(1, 1, '1', 'NaN'));
    expect(check(float, 'Infinity', 'inf')).toEqual(rejectedAt(1, 1, 'Infinity', 'inf'));
    expect(check(float, '1e400', '1e400')).toEqual(accepted);
    expect(check(float, 'Infinity', '1e400')).toEqual(rejectedAt(1, 1, 'Infinity', '1e400'));
  });

  it('does not read hex, binary or other non-decimal notation as numbers', () => {
    expect(check(float, '16', '0x10')).toEqual(rejectedAt(1, 1, '16', '0x10'));
    expect(check(float, '1000', '1_000')).toEqual(rejectedAt(1, 1, '1000', '1_000'));
  });

  it('compares words exactly between numbers', () => {
    expect(check(float, 'answer: 3.14', 'answer: 3.1400001')).toEqual(accepted);
    expect(check(float, 'Answer: 3.14', 'answer: 3.14')).toEqual(rejectedAt(1, 1, 'Answer:', 'answer:'));
  });

  it('accepts a difference of exactly absTol and rejects anything past it', () => {
    const abs: Checker = { type: 'float', absTol: 0.5, relTol: 0 };
    expect(check(abs, '1', '1.5')).toEqual(accepted);
    expect(check(abs, '1', '0.5')).toEqual(accepted);
    expect(check(abs, '1', '1.5001')).toEqual(rejectedAt(1, 1, '1', '1.5001'));
  });

  it('accepts a difference of exactly relTol times the expected value and rejects anything past it', () => {
    const rel: Checker = { type: 'float', absTol: 0, relTol: 0.25 };
    expect(check(rel, '8', '10')).toEqual(accepted);
    expect(check(rel, '-8', '-6')).toEqual(accepted);
    expect(check(rel, '8', '10.01')).toEqual(rejectedAt(1, 1, '8', '10.01'));
  });

  it('scales relTol by the expected value, not the output', () => {
    const rel: Checker = { type: 'float', absTol: 0, relTol: 0.5 };
    expect(check(rel, '3.5', '2')).toEqual(accepted);
    expect(check(rel, '2', '3.5')).toEqual(rejectedAt(1, 1, '2', '3.5'));
  });

  it('uses whichever tolerance is larger', () => {
    const both: Checker = { type: 'float', absTol: 1, relTol: 0.5 };
    expect(check(both, '100', '140')).toEqual(accepted);
    expect(check(both, '0', '0.9')).toEqual(accepted);
    expect(check(both, '0', '1.1')).toEqual(rejectedAt(1, 1, '0', '1.1'));
  });

  it('takes the default for a tolerance left out', () => {
    expect(check({ type: 'float', absTol: 0.1 }, '1000000', '1000000.05')).toEqual(accepted);
    expect(check({ type: 'float', relTol: 0.1 }, '0', '0.0000005')).toEqual(accepted);
    expect(check({ type: 'float', relTol: 0.1 }, '0', '0.001')).toEqual(rejectedAt(1, 1, '0', '0.001'));
  });

  it('with zero tolerances still equates different spellings of one number', () => {
    const strict: Checker = { type: 'float', absTol: 0, relTol: 0 };
    expect(check(strict, '1', '1.000')).toEqual(accepted);
    expect(check(strict, '0.1', '0.10000000000000002')).toEqual(
      rejectedAt(1, 1, '0.1', '0.10000000000000002'),
    );
  });

  it('requires the same number of tokens', () => {
    expect(check(float, '1 2', '1 2 3')).toEqual(rejectedAt(1, 5, END_OF_OUTPUT, '3'));
    expect(check(float, '1 2 3', '1 2')).toEqual(rejectedAt(1, 4, '3', END_OF_OUTPUT));
    expect(check(float, '', '0')).toEqual(rejectedAt(1, 1, END_OF_OUTPUT, '0'));
  });

  it('points at the first number out of tolerance, across lines', () => {
    expect(check(float, '1.5 2.5\n3.5\n', '1.5 2.5\r\n  9\r\n')).toEqual(rejectedAt(2, 3, '3.5', '9'));
  });
});
