import type { Batch, Verdict } from '@kiln/api';
import { QUEUE_PREFIX } from '@kiln/protocol';
import type { Redis } from 'ioredis';
import { BATCH_QUEUE, type BatchJob } from './jobs.js';

/**
 * A batch's counts, kept where they change: the worker records each item's move (queued → running →
 * finished with a verdict) as it happens, the gateway records the batch's creation and re-judged items
 * going back to queued. Reading a batch is then one HGETALL, whatever its size, and every change is
 * published so that a watcher reads only when something moved.
 *
 * Keys share a hash tag per batch (one slot in a cluster): `…:counts` (total, createdAt, finishedAt, the
 * three states, and `v:<verdict>` for finished items), `…:items` (item id → its last recorded state, so a
 * move recorded twice — a retried job, a worker killed after recording — counts once).
 */
export const batchCountsKey = (batchId: string) => `kiln:batch:{${batchId}}:counts`;
const itemsKey = (batchId: string) => `kiln:batch:{${batchId}}:items`;
/** Published (no payload worth reading) whenever a batch's counts change. */
export const batchEventsChannel = (batchId: string) => `kiln:batch-events:{${batchId}}`;

export type ItemState = 'queued' | 'running' | 'finished';

// KEYS: counts, items. ARGV: item id, new state, verdict ('' unless finished), now (ms), channel. Both keys
// live as long as the batch's results (the `ttl` its creator stored), counted from the last move.
// An item's recorded state is `queued` when absent, `running`, or `finished:<verdict>`.
const TRANSITION = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local old = redis.call('HGET', KEYS[2], ARGV[1]) or 'queued'
local new = ARGV[2]
if ARGV[3] ~= '' then new = new .. ':' .. ARGV[3] end
if old == new then return 0 end
local function bump(state, by)
  local colon = string.find(state, ':', 1, true)
  if colon then
    redis.call('HINCRBY', KEYS[1], string.sub(state, 1, colon - 1), by)
    redis.call('HINCRBY', KEYS[1], 'v:' .. string.sub(state, colon + 1), by)
  else
    redis.call('HINCRBY', KEYS[1], state, by)
  end
end
bump(old, -1)
bump(new, 1)
redis.call('HSET', KEYS[2], ARGV[1], new)
local finished = tonumber(redis.call('HGET', KEYS[1], 'finished') or '0')
local total = tonumber(redis.call('HGET', KEYS[1], 'total') or '0')
if finished >= total then
  if redis.call('HEXISTS', KEYS[1], 'finishedAt') == 0 then redis.call('HSET', KEYS[1], 'finishedAt', ARGV[4]) end
else
  redis.call('HDEL', KEYS[1], 'finishedAt')
end
local ttl = tonumber(redis.call('HGET', KEYS[1], 'ttl') or '86400')
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('EXPIRE', KEYS[2], ttl)
redis.call('PUBLISH', ARGV[5], '1')
return 1
`;

interface WithTransition {
  kilnBatchTransition(...args: Array<string | number>): Promise<number>;
}

/** Record a new batch: every item queued. Before its jobs exist, so that no move of theirs is missed. */
export async function createBatchCounts(
  redis: Redis,
  batch: { id: string; total: number; createdAt: number },
  ttlSeconds: number,
): Promise<void> {
  const key = batchCountsKey(batch.id);
  const fields = {
    total: batch.total,
    createdAt: batch.createdAt,
    queued: batch.total,
    running: 0,
    finished: 0,
  };
  await redis
    .multi()
    .hset(key, batch.total === 0 ? { ...fields, finishedAt: batch.createdAt } : fields)
    .expire(key, ttlSeconds)
    .exec();
}

/** Forget a batch whose creation failed. */
export async function dropBatchCounts(redis: Redis, batchId: string): Promise<void> {
  await redis.del(batchCountsKey(batchId), itemsKey(batchId));
}

/**
 * Record an item's move. Idempotent: recording the state an item is already in changes nothing. A batch
 * with no counts (expired, or created before counts existed) is left alone. Returns whether it changed.
 */
export async function recordItemState(
  redis: Redis,
  move: { batchId: string; itemId: string; state: ItemState; verdict?: Verdict },
): Promise<boolean> {
  const { batchId } = move;
  if (!('kilnBatchTransition' in redis))
    redis.defineCommand('kilnBatchTransition', { numberOfKeys: 2, lua: TRANSITION });
  const changed = await (redis as unknown as WithTransition).kilnBatchTransition(
    batchCountsKey(batchId),
    itemsKey(batchId),
    move.itemId,
    move.state,
    move.state === 'finished' ? (move.verdict ?? 'internal_error') : '',
    Date.now(),
    batchEventsChannel(batchId),
  );
  return changed === 1;
}

/**
 * A batch as its counts say, or undefined when it has none. One round trip, two commands: the counts, and
 * when the batch's parent job ran (BullMQ's `finishedOn`), which is the batch's `finishedAt` once it has;
 * until then, the moment its last item finished.
 */
export async function readBatchCounts(redis: Redis, batchId: string): Promise<Batch | undefined> {
  const replies = await redis
    .multi()
    .hgetall(batchCountsKey(batchId))
    .hget(`${QUEUE_PREFIX}:${BATCH_QUEUE}:${batchId}`, 'finishedOn')
    .exec();
  const [[countsError, counts] = [], [parentError, finishedOn] = []] = replies ?? [];
  if (countsError) throw countsError;
  if (parentError) throw parentError;
  const batch = batchFromCounts(batchId, (counts ?? {}) as Record<string, string>);
  if (batch?.state === 'finished' && typeof finishedOn === 'string')
    return { ...batch, finishedAt: Number(finishedOn) };
  return batch;
}

/**
 * The items of a batch's parent job that no child completed (a child that failed for good, or is
 * missing): to be counted finished, as internal_error, when the parent runs. `completed` and `failed` are
 * BullMQ's child job keys (`<prefix>:<queue>:<batch id>.<item id>`).
 */
export function unfinishedItems(
  batch: Pick<BatchJob, 'id' | 'items'>,
  completed: Iterable<string>,
): string[] {
  const done = new Set<string>();
  const marker = `:${batch.id}.`;
  for (const key of completed) {
    const at = key.indexOf(marker);
    if (at >= 0) done.add(key.slice(at + marker.length));
  }
  return batch.items.map((item) => item.id).filter((id) => !done.has(id));
}

export function batchFromCounts(id: string, hash: Record<string, string>): Batch | undefined {
  if (hash.total === undefined || hash.createdAt === undefined) return undefined;
  const count = (field: string) => Math.max(0, Number.parseInt(hash[field] ?? '0', 10) || 0);
  const total = count('total');
  const verdicts: Record<string, number> = {};
  for (const [field, value] of Object.entries(hash)) {
    const n = Number.parseInt(value, 10);
    if (field.startsWith('v:') && n > 0) verdicts[field.slice(2)] = n;
  }
  const states = { queued: count('queued'), running: count('running'), finished: count('finished') };
  const finished = states.finished >= total;
  return {
    id,
    state: finished ? 'finished' : 'running',
    total,
    states,
    verdicts,
    createdAt: count('createdAt'),
    ...(finished ? { finishedAt: count('finishedAt') || count('createdAt') } : {}),
  };
}
