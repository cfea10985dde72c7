import { describe, expect, it } from 'vitest';
import { languageOf } from '../src/languages.js';
import { naturalCompare } from '../src/names.js';

describe('naturalCompare', () => {
  it('orders numbers in names by value', () => {
    const names = ['test10', 'test2', 'test1', 'b', 'a10b', 'a2b', 'a', '01', '1', '002'];
    expect(names.sort(naturalCompare)).toEqual([
      '1',
      '01',
      '002',
      'a',
      'a2b',
      'a10b',
      'b',
      'test1',
      'test2',
      'test10',
    ]);
  });

  it('compares the rest by code unit, upper case first, and is 0 only for equal names', () => {
    expect(['b', 'B', 'a'].sort(naturalCompare)).toEqual(['B', 'a', 'b']);
    expect(naturalCompare('same', 'same')).toBe(0);
    expect(naturalCompare('99999999999999999999', '100000000000000000000')).toBeLessThan(0);
  });
});

describe('languageOf', () => {
  it('maps the known extensions, in any case', () => {
    expect(
      ['a.py', 'a.js', 'a.mjs', 'a.cpp', 'a.cc', 'a.cxx', 'A.PY', 'dir.x/b.CPP'].map(languageOf),
    ).toEqual(['python', 'javascript', 'javascript', 'cpp', 'cpp', 'cpp', 'python', 'cpp']);
  });

  it('knows no other', () => {
    expect(['a.rb', 'a', 'a.py.txt', '.py', 'a.h'].map(languageOf)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
