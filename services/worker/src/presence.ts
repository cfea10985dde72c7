import { hostname } from 'node:os';
import { type ExecutorPresence, type Language, PRESENCE_INTERVAL_MS, PRESENCE_KEY } from '@kiln/protocol';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ExecutorPool } from './executors/pool.js';

/**
 * Publishes which executor replicas this worker has a live link to, so the gateway's /ready and
 * /api/v1/languages tell the truth. Entries are refreshed every PRESENCE_INTERVAL_MS; the gateway ignores
 * stale ones, so a worker that dies takes its entries with it.
 */
export class Presence {
  private readonly published = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly worker = `${hostname()}:${process.pid}`;

  constructor(
    private readonly redis: Redis,
    private readonly pools: Readonly<Record<Language, ExecutorPool>>,
    private readonly log: Logger,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.publish(), PRESENCE_INTERVAL_MS);
    void this.publish();
  }

  async publish(): Promise<void> {
    const now = Date.now();
    const live = new Map<string, string>();
    for (const pool of Object.values(this.pools)) {
      for (const link of pool.ready) {
        const entry: ExecutorPresence = {
          language: pool.language,
          address: link.address,
          version: link.hello?.version ?? '',
          slots: link.hello?.slots ?? 0,
          busy: link.inFlight,
          worker: this.worker,
          seenAt: now,
        };
        live.set(`${pool.language}|${link.address}`, JSON.stringify(entry));
      }
    }
    const gone = [...this.published].filter((field) => !live.has(field));
    try {
      const multi = this.redis.multi();
      if (live.size > 0) multi.hset(PRESENCE_KEY, Object.fromEntries(live));
      if (gone.length > 0) multi.hdel(PRESENCE_KEY, ...gone);
      await multi.exec();
      for (const field of gone) this.published.delete(field);
      for (const field of live.keys()) this.published.add(field);
    } catch (err) {
      this.log.warn({ err }, 'could not publish executor presence');
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    if (this.published.size > 0)
      await this.redis.hdel(PRESENCE_KEY, ...this.published).catch(() => undefined);
  }
}
