import { createHash } from 'node:crypto';

/** Uid ranges of 16 per language (passwd entries exist for all of them in the images). */
export const UID_RANGES = 256;
export const SLOTS_PER_RANGE = 16;

/**
 * The uid base of this replica. RLIMIT_NPROC is counted per uid across the whole host, so two replicas of
 * one image on one host must not share uids, or a run holding its uid's every process in one replica would
 * starve the same slot in the other. Each replica takes the range its host name hashes to: replicas of a
 * compose project differ by name, and two of them collide with probability 1/256.
 */
export function replicaUidBase(languageBase: number, hostname: string): number {
  const range = createHash('sha256').update(hostname).digest().readUInt32BE(0) % UID_RANGES;
  return languageBase + SLOTS_PER_RANGE * range;
}

/**
 * A fixed set of slots. Each owns a distinct unprivileged uid (the language's uidBase + index), so runs in
 * different slots can neither see each other's files nor signal each other's processes. A run waits for a
 * free slot; a slot that failed its baseline check is never handed out again.
 */
export interface Slot {
  readonly index: number;
  readonly uid: number;
  readonly gid: number;
}

export class SlotPool {
  readonly all: readonly Slot[];
  private readonly free: Slot[];
  private waiting: Array<(slot: Slot) => void> = [];
  private broken = 0;

  constructor(
    readonly size: number,
    uidBase: number,
  ) {
    this.all = Array.from({ length: size }, (_, index) => ({
      index,
      uid: uidBase + index,
      gid: uidBase + index,
    }));
    this.free = [...this.all];
  }

  get busy(): number {
    return this.size - this.free.length - this.broken;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** A free slot, or the first one released; undefined if `signal` aborts while waiting. */
  acquire(signal?: AbortSignal): Promise<Slot | undefined> {
    const slot = this.free.shift();
    if (slot) return Promise.resolve(slot);
    if (signal?.aborted) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const waiter = (slot: Slot) => {
        signal?.removeEventListener('abort', onAbort);
        resolve(slot);
      };
      const onAbort = () => {
        this.waiting = this.waiting.filter((other) => other !== waiter);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  release(slot: Slot): void {
    const next = this.waiting.shift();
    if (next) next(slot);
    else this.free.push(slot);
  }

  /** Take a dirty slot out of service for good. */
  retire(_slot: Slot): void {
    this.broken++;
  }
}
