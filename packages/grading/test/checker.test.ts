import { type Checker, CheckerSchema, DEFAULT_CHECKER } from '@kiln/api';
import Compile from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { check } from '../src/index.js';

const validator = Compile(CheckerSchema);

describe('CheckerSchema', () => {
  it.each<[string, Checker]>([
    ['exact', { type: 'exact' }],
    ['lines', { type: 'lines' }],
    ['tokens', { type: 'tokens' }],
    ['float with defaults', { type: 'float' }],
    ['float with tolerances', { type: 'float', absTol: 0, relTol: 1e-9 }],
    ['unordered_lines', { type: 'unordered_lines' }],
  ])('accepts %s', (_, checker) => {
    expect(validator.Check(checker)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['an unknown type', { type: 'regex' }],
    ['a missing type', {}],
    ['a bare string', 'lines'],
    ['an unknown field', { type: 'lines', ignoreCase: true }],
    ['a tolerance on a checker without one', { type: 'exact', absTol: 1 }],
    ['a misspelt tolerance', { type: 'float', tol: 0.1 }],
    ['a negative tolerance', { type: 'float', absTol: -1 }],
    ['a tolerance that is not a number', { type: 'float', relTol: '0.1' }],
  ])('rejects %s', (_, value) => {
    expect(validator.Check(value)).toBe(false);
  });
});

describe('DEFAULT_CHECKER', () => {
  it('is lines, valid, and cannot be changed by a caller', () => {
    expect(DEFAULT_CHECKER).toEqual({ type: 'lines' });
    expect(validator.Check(DEFAULT_CHECKER)).toBe(true);
    expect(Object.isFrozen(DEFAULT_CHECKER)).toBe(true);
  });
});

describe('check', () => {
  // One pair of outputs, judged by every checker: each accepts exactly what its rules forgive.
  const expected = '1 2\n3\n';
  it.each<[Checker, string, boolean]>([
    [{ type: 'exact' }, '1 2\n3\n', true],
    [{ type: 'exact' }, '1 2\r\n3\r\n', false],
    [{ type: 'lines' }, '1 2\r\n3\r\n', true],
    [{ type: 'lines' }, '1  2\n3\n', false],
    [{ type: 'tokens' }, '1  2\n3\n', true],
    [{ type: 'tokens' }, '1 2\n3.0\n', false],
    [{ type: 'float' }, '1 2\n3.0\n', true],
    [{ type: 'float' }, '3\n1 2\n', false],
    [{ type: 'unordered_lines' }, '3\n1 2\n', true],
    [{ type: 'unordered_lines' }, '3\n2 1\n', false],
  ])('%j on %j accepts: %s', (checker, got, acceptedByIt) => {
    expect(check(checker, expected, got).accepted).toBe(acceptedByIt);
  });
});
