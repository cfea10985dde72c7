import { lookup } from 'node:dns/promises';
import type { ExecutionJob, ExecutionResult, Language } from '@kiln/protocol';
import type { Logger } from 'pino';
import { NoExecutorError } from '../errors.js';
import { ExecutorLink } from './link.js';

export interface DispatchOptions {
  /** Address of the replica to use when it has a free slot. */
  prefer?: string;
}

export interface Dispatched {
  result: ExecutionResult;
  /** The replica that ran the job. */
  address: string;
}

/**
 * Every replica of one language's executor, found by resolving its service name to all addresses (so
 * `docker compose up --scale executor-python=3` just works) and re-resolved periodically. A run goes to
 * the ready replica with the most free slots; when none is free it waits for one.
 */
export class ExecutorPool {
  private readonly links = new Map<string, ExecutorLink>();
  private waiters: Array<() => void> = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    readonly language: Language,
    private readonly host: string,
    private readonly port: number,
    private readonly token: string,
    private readonly log: Logger,
    private readonly onChange: () => void,
  ) {}

  start(intervalMs: number): Promise<void> {
    this.timer = setInterval(() => void this.refresh(), intervalMs);
    return this.refresh();
  }

  async refresh(): Promise<void> {
    let addresses: string[];
    try {
      addresses = (await lookup(this.host, { all: true, family: 4 })).map(
        (entry) => `${entry.address}:${this.port}`,
      );
    } catch (err) {
      // Not resolvable (yet): keep the links we have; they reconnect or fail on their own.
      this.log.debug(
        { language: this.language, host: this.host, err: (err as Error).message },
        'executor lookup failed',
      );
      return;
    }
    for (const address of addresses) {
      if (this.links.has(address)) continue;
      this.log.info({ language: this.language, address }, 'executor replica found');
      this.links.set(address, new ExecutorLink(address, this.token, this.log, (what) => this.changed(what)));
    }
    for (const [address, link] of this.links) {
      if (addresses.includes(address)) continue;
      this.log.info({ language: this.language, address }, 'executor replica gone from DNS');
      link.close();
      this.links.delete(address);
    }
    this.changed('links');
  }

  /**
   * Every change wakes the runs waiting for a slot; only a replica coming or going is news for the worker
   * (concurrency, presence): a run ending is not worth a Redis write on the hot path.
   */
  private changed(what: 'links' | 'slots'): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
    if (what === 'links') this.onChange();
  }

  get replicas(): ExecutorLink[] {
    return [...this.links.values()];
  }

  get ready(): ExecutorLink[] {
    return this.replicas.filter((link) => link.ready);
  }

  get slots(): number {
    return this.ready.reduce((sum, link) => sum + (link.hello?.slots ?? 0), 0);
  }

  /** Free slots over every ready replica: what a job may take now without waiting. */
  get free(): number {
    return this.ready.reduce((sum, link) => sum + link.free, 0);
  }

  /**
   * Run a job on the replica with the most free slots, waiting up to `waitMs` for one. `prefer` names a
   * replica to use whenever it has a free slot (its compile cache already holds the program); the result
   * says which replica ran the job, so the next run can prefer it.
   */
  async dispatch(
    job: ExecutionJob,
    waitMs: number,
    runDeadlineMs: number,
    options: DispatchOptions = {},
  ): Promise<Dispatched> {
    const started = Date.now();
    for (;;) {
      const link = this.pick(options.prefer);
      if (link) return { result: await link.run(job, runDeadlineMs), address: link.address };
      const left = waitMs - (Date.now() - started);
      if (left <= 0) throw new NoExecutorError(this.language, waitMs);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1_000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private pick(prefer: string | undefined): ExecutorLink | undefined {
    const preferred = prefer === undefined ? undefined : this.links.get(prefer);
    if (preferred && preferred.free > 0) return preferred;
    const best = this.ready.sort((a, b) => b.free - a.free)[0];
    return best && best.free > 0 ? best : undefined;
  }

  close(): void {
    clearInterval(this.timer);
    for (const link of this.links.values()) link.close();
    this.links.clear();
  }
}
