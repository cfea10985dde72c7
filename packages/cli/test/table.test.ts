import { describe, expect, it } from 'vitest';
import { formatNumber, summaryTable, verdictCounts } from '../src/format/table.js';
import { judged, results, testResult } from './fixtures.js';

describe('summaryTable', () => {
  it('lines up one row per item: verdict, score, passed of all tests, slowest test run', () => {
    expect(summaryTable(results.results, 2)).toBe(
      [
        'ITEM   VERDICT              SCORE  PASSED  MAX TIME',
        'alice  accepted               2/2     2/2     30 ms',
        'bob    wrong_answer           1/2     1/2     10 ms',
        'carol  time_limit_exceeded  0.5/2     0/2   2000 ms',
        'dave   not judged (queued)      -       -         -',
        '',
      ].join('\n'),
    );
  });

  it('shows no time when no test ran (a compile error)', () => {
    const failed = judged('eve', { verdict: 'compile_error', score: 0, maxScore: 3, passed: 0, tests: [] });
    expect(summaryTable([failed], 3).split('\n')[1]).toBe('eve   compile_error    0/3     0/3         -');
  });

  it('counts skipped tests out of the slowest time', () => {
    const item = judged('f', {
      tests: [testResult('1', { verdict: 'skipped', timeMs: 99 }), testResult('2')],
    });
    expect(summaryTable([item], 2)).toMatch(/ 10 ms\n$/);
  });
});

describe('verdictCounts', () => {
  it("counts items per verdict in the API's order, unjudged ones last", () => {
    expect(verdictCounts(results.results)).toBe(
      'accepted 1, wrong_answer 1, time_limit_exceeded 1, not judged 1 (4 submissions)\n',
    );
    expect(verdictCounts(results.results.slice(0, 1))).toBe('accepted 1 (1 submission)\n');
  });
});

describe('formatNumber', () => {
  it('shows whole numbers whole and others with at most two decimals', () => {
    expect([3, 2.5, 1 / 3, 0.1 + 0.2, 10].map(formatNumber)).toEqual(['3', '2.5', '0.33', '0.3', '10']);
  });
});
