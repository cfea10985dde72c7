/**
 * `pnpm bench` (batch read): what reading one batch costs, by its size, the way the gateway read it before
 * (every item: its job state and its job, two Redis calls an item) and the way it reads it now (the
 * counts the worker keeps where items move: one HGETALL). Redis commands are counted by the server itself
 * (INFO stats, total_commands_processed, less the INFO call); latency is the median of 30 reads.
 *
 * Runs the real gateway (its build) against a throwaway redis-server, batches of 10, 100 and 1,000 queued
 * python items, and writes bench/results/batch-read.md. No Docker needed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRedis } from '@kiln/testing';
import Fastify from 'fastify';
import { Redis } from 'ioredis';
import app, { appOptions } from '../../services/gateway/dist/app.js';
import { parseConfig } from '../../services/gateway/dist/config.js';
// The decorators' types (app.batches).
import type {} from '../../services/gateway/dist/plugins/app/grading.js';
import { percentile, table, timed } from './stats.ts';

const SIZES = [10, 100, 1000];
const READS = 30;
const ROOT = join(import.meta.dirname, '..');

const redis = await startRedis();
const client = new Redis(redis.url);
const config = parseConfig({
  KILN_REDIS_URL: redis.url,
  KILN_HOST: '127.0.0.1',
  KILN_MAX_QUEUE_DEPTH: '100000',
  KILN_RATE_LIMIT_PER_MINUTE: '0',
});
const gateway = Fastify({ ...appOptions(config), logger: false });
await gateway.register(app, { config });
await gateway.ready();

async function commandsProcessed(): Promise<number> {
  const stats = await client.info('stats');
  return Number(/total_commands_processed:(\d+)/.exec(stats)?.[1] ?? Number.NaN);
}

/** Redis commands one call of `read` costs, and its median latency over READS calls. */
async function measure(read: () => Promise<unknown>): Promise<{ calls: number; p50: number }> {
  await read();
  const before = await commandsProcessed();
  await read();
  const calls = (await commandsProcessed()) - before - 1;
  const samples: number[] = [];
  for (let i = 0; i < READS; i++) samples.push(await timed(read));
  return { calls, p50: percentile(samples, 50) };
}

const rows: string[][] = [];
try {
  for (const size of SIZES) {
    const created = await gateway.inject({
      method: 'POST',
      url: '/api/v1/batches',
      payload: {
        tests: [{ stdin: '1 2', expected: '3' }],
        submissions: Array.from({ length: size }, (_, i) => ({
          id: `student-${i}`,
          language: 'python',
          code: `print(sum(map(int, input().split())))  # ${i}`,
        })),
      },
    });
    if (created.statusCode !== 201)
      throw new Error(`batch of ${size}: ${created.statusCode} ${created.body}`);
    const id: string = created.json().id;
    const before = await measure(() => gateway.batches.countItems(id));
    const after = await measure(() => gateway.batches.find(id));
    const http = await measure(() => gateway.inject({ method: 'GET', url: `/api/v1/batches/${id}` }));
    rows.push([
      String(size),
      String(before.calls),
      `${before.p50.toFixed(2)} ms`,
      String(after.calls),
      `${after.p50.toFixed(2)} ms`,
      `${http.p50.toFixed(2)} ms`,
      `${(before.p50 / after.p50).toFixed(0)}x`,
    ]);
    console.info(
      `batch of ${size}: before ${before.calls} calls, ${before.p50.toFixed(2)} ms; after ${after.calls} calls, ${after.p50.toFixed(2)} ms`,
    );
  }
} finally {
  await gateway.close();
  client.disconnect();
  await redis.stop();
}

const report = `# Reading one batch

\`pnpm bench\` (bench/src/batch-read.ts), ${new Date().toISOString().slice(0, 10)}: the real gateway against a local
redis-server, batches of queued python items. **Before**: the counts derived from every item (its job
state, then its job), as \`GET /api/v1/batches/:id\` read them until the worker kept them. **After**: the
counts the worker updates atomically as each item moves, one \`HGETALL\`. Redis commands as the server
counted them; latency the median of ${READS} reads, in process (no HTTP) except the last column.

${table(
  [
    'items',
    'before: Redis calls',
    'before: p50',
    'after: Redis calls',
    'after: p50',
    'GET /batches/:id p50',
    'speed-up',
  ],
  rows,
)}

The batch's event stream reads the same counts, and only when a worker says they moved (pub/sub, read
again at most every 100 ms and at least every 5 s), where it read the whole batch every 500 ms before.
`;
writeFileSync(join(ROOT, 'results', 'batch-read.md'), report);
console.info(report);
