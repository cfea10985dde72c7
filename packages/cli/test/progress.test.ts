import type { Batch } from '@kiln/api';
import { describe, expect, it } from 'vitest';
import { ProgressReporter, progressBar, progressText } from '../src/progress.js';

function batch(finished: number, running: number, queued: number): Batch {
  const total = finished + running + queued;
  return {
    id: 'b-1',
    state: finished === total ? 'finished' : 'running',
    total,
    states: { queued, running, finished },
    verdicts: {},
    createdAt: 0,
  };
}

function output(isTTY: boolean) {
  const written: string[] = [];
  return { written, out: { isTTY, columns: 60, write: (text: string) => void written.push(text) } };
}

describe('progressText and progressBar', () => {
  it('say how many are judged, running and queued', () => {
    expect(progressText(batch(12, 3, 25))).toBe('12/40 judged, 3 running, 25 queued');
    expect(progressText(batch(40, 0, 0))).toBe('40/40 judged');
  });

  it('fill the bar in proportion, fitted to the width', () => {
    // 60 columns, less the text (23) and the brackets and spaces (4): 33 cells, a quarter of them full.
    expect(progressBar(batch(10, 0, 30), 60)).toBe(
      `[${'#'.repeat(8)}${'-'.repeat(25)}] 10/40 judged, 30 queued`,
    );
    expect(progressBar(batch(1, 0, 1), 200)).toBe(
      `[${'#'.repeat(20)}${'-'.repeat(20)}] 1/2 judged, 1 queued`,
    );
    expect(progressBar(batch(0, 0, 1), 5)).toBe(`[${'-'.repeat(10)}] 0/1 judged, 1 queued`);
  });
});

describe('ProgressReporter', () => {
  it('redraws one line on a terminal and ends it on close', () => {
    const { written, out } = output(true);
    const reporter = new ProgressReporter(out);
    reporter.update(batch(0, 1, 1));
    reporter.update(batch(2, 0, 0));
    reporter.close();
    expect(written).toEqual([
      `\r${progressBar(batch(0, 1, 1), 60)}\x1b[K`,
      `\r${progressBar(batch(2, 0, 0), 60)}\x1b[K`,
      '\n',
    ]);
  });

  it('writes plain lines elsewhere: a changed count at most every 5 s, and the final one once', () => {
    const { written, out } = output(false);
    let now = 0;
    const reporter = new ProgressReporter(out, () => now);
    reporter.update(batch(0, 0, 4));
    now = 1_000;
    reporter.update(batch(1, 0, 3));
    now = 6_000;
    reporter.update(batch(1, 0, 3));
    reporter.update(batch(2, 0, 2));
    now = 6_500;
    reporter.update(batch(4, 0, 0));
    reporter.update(batch(4, 0, 0));
    reporter.close();
    expect(written).toEqual([
      'kiln: 0/4 judged, 4 queued\n',
      'kiln: 1/4 judged, 3 queued\n',
      'kiln: 4/4 judged\n',
    ]);
  });
});
