import type { Redis } from 'ioredis';

/**
 * Pub/sub watches over one subscriber connection, opened on the first watch: many clients following many
 * batches share it, each channel subscribed while someone watches it. A message only says "something
 * changed"; the watcher reads what it needs. Pub/sub is not durable, so watchers still read now and then.
 */
export class ChannelWatcher {
  private subscriber: Redis | undefined;
  private readonly listeners = new Map<string, Set<() => void>>();

  constructor(private readonly connect: () => Redis) {}

  /** Call `onChange` on every message of `channel` until the returned function is called. */
  watch(channel: string, onChange: () => void): () => void {
    const subscriber = this.open();
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      // A failed subscribe leaves the watcher on its periodic reads; the connection logs its own errors.
      subscriber.subscribe(channel).catch(() => undefined);
    }
    set.add(onChange);
    return () => {
      const current = this.listeners.get(channel);
      if (!current?.delete(onChange) || current.size > 0) return;
      this.listeners.delete(channel);
      subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }

  private open(): Redis {
    if (this.subscriber) return this.subscriber;
    const subscriber = this.connect();
    subscriber.on('message', (channel: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener();
    });
    this.subscriber = subscriber;
    return subscriber;
  }
}
