import type { BatchJob } from '@kiln/grading';
import type { Job } from 'bullmq';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type BatchSummary, createBatchProcessor } from '../src/grading/batch.js';

function parent(total: number, values: Record<string, unknown>, failures: Record<string, string> = {}) {
  const job = {
    id: 'b1',
    data: { id: 'b1', total, createdAt: 1, items: [] } satisfies BatchJob,
    getChildrenValues: async () => values,
    getIgnoredChildrenFailures: async () => failures,
  };
  return job as unknown as Job<BatchJob, BatchSummary>;
}

const processor = createBatchProcessor(pino({ level: 'silent' }));
const key = (item: string) => `kiln:submissions-python:b1.${item}`;

describe('batch processor', () => {
  it('counts the children by overall verdict', async () => {
    const summary = await processor(
      parent(3, {
        [key('a')]: { verdict: 'accepted' },
        [key('b')]: { verdict: 'accepted' },
        [key('c')]: { verdict: 'compile_error' },
      }),
    );
    expect(summary).toEqual({
      total: 3,
      verdicts: { accepted: 2, compile_error: 1 },
      finishedAt: expect.any(Number),
    });
  });

  it('counts failed, missing and unreadable children as internal_error, so the counts add up', async () => {
    const summary = await processor(
      parent(
        5,
        { [key('a')]: { verdict: 'wrong_answer' }, [key('b')]: 'not a grade' },
        { [key('c')]: 'job stalled more than allowable limit' },
      ),
    );
    expect(summary).toMatchObject({ total: 5, verdicts: { wrong_answer: 1, internal_error: 4 } });
  });
});
