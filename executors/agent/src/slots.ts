import { createHash } from 'node:crypto';
import type { Program, SweepReport } from './sandbox/program.js';

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
 * One slot: a distinct unprivileged uid (the language's uidBase + index) and a work dir, so runs in
 * different slots can neither see each other's files nor signal each other's processes. What the slot is
 * doing between runs lives here too.
 */
export class Slot {
  /** The runtime of the slot's next run, started ahead of it, and the limits it fixed (warm-start.ts). */
  warm: { program: Program; key: string } | undefined;
  /** The helper of the slot's last program until it is gone, with its sweep when it swept (janitor.ts). */
  helperDone: Promise<SweepReport | undefined> | undefined;

  constructor(
    readonly index: number,
    readonly uid: number,
    readonly dir: string,
  ) {}

  get gid(): number {
    return this.uid;
  }
}

/**
 * A fixed set of slots. A run waits for a free slot; a slot that cannot be brought back to its baseline is
 * retired for good, and the others go on serving.
 */
export class SlotPool {
  readonly all: readonly Slot[];
  private readonly free: Slot[];
  private waiting: Array<(slot: Slot) => void> = [];
  private retired = 0;

  constructor(size: number, uidBase: number, workRoot: string) {
    this.all = Array.from(
      { length: size },
      (_, index) => new Slot(index, uidBase + index, `${workRoot}/slot-${index}`),
    );
    this.free = [...this.all];
  }

  get size(): number {
    return this.all.length;
  }

  get busy(): number {
    return this.size - this.free.length - this.retired;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /** Slots still in service. */
  get live(): number {
    return this.size - this.retired;
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

  /** Take a slot that cannot be cleaned out of service for good; the runs waiting go on waiting. */
  retire(_slot: Slot): void {
    this.retired++;
  }
}
