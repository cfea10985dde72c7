import type { Batch } from '@kiln/api';
import type { Output } from './io.js';

/**
 * Progress of a batch on stderr. On a terminal, one bar redrawn in place; otherwise (a CI log, a file) a plain
 * line when the count changed, at most every PLAIN_INTERVAL_MS, so logs stay short but show life.
 */

const PLAIN_INTERVAL_MS = 5_000;
const MIN_BAR = 10;
const MAX_BAR = 40;

/** "12/40 judged, 3 running, 25 queued": what the batch's counts say. */
export function progressText(batch: Batch): string {
  const { queued = 0, running = 0, finished = 0 } = batch.states;
  const parts = [`${finished}/${batch.total} judged`];
  if (running > 0) parts.push(`${running} running`);
  if (queued > 0) parts.push(`${queued} queued`);
  return parts.join(', ');
}

/** "[#######-------------] 12/40 judged, 3 running", fitted to the terminal's width. */
export function progressBar(batch: Batch, columns: number): string {
  const text = progressText(batch);
  const width = Math.max(MIN_BAR, Math.min(MAX_BAR, columns - text.length - 4));
  const done = batch.total === 0 ? width : Math.floor((width * (batch.states.finished ?? 0)) / batch.total);
  return `[${'#'.repeat(done)}${'-'.repeat(width - done)}] ${text}`;
}

export class ProgressReporter {
  private lastFinished = -1;
  private lastWrite = Number.NEGATIVE_INFINITY;
  private drawn = false;

  constructor(
    private readonly out: Output,
    private readonly now: () => number = Date.now,
  ) {}

  update(batch: Batch): void {
    const finished = batch.states.finished ?? 0;
    if (this.out.isTTY) {
      // Erase to the end of the line, so a shorter text leaves no tail of the longer one.
      this.out.write(`\r${progressBar(batch, this.out.columns ?? 80)}\x1b[K`);
      this.drawn = true;
      return;
    }
    // The final count is always written (once); the ones before it only when the interval has passed.
    if (finished === this.lastFinished) return;
    if (batch.state !== 'finished' && this.now() - this.lastWrite < PLAIN_INTERVAL_MS) return;
    this.out.write(`kiln: ${progressText(batch)}\n`);
    this.lastFinished = finished;
    this.lastWrite = this.now();
  }

  /** End the bar's line, so what follows starts on a fresh one. */
  close(): void {
    if (this.drawn) this.out.write('\n');
    this.drawn = false;
  }
}
