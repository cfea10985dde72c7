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
  private readonly waiting: Array<(slot: Slot) => void> = [];
  private broken = 0;

  constructor(
    readonly size: number,
    uidBase: number,
  ) {
    this.all = Array.from({ length: size }, (_, index) => ({ index, uid: uidBase + index, gid: uidBase + index }));
    this.free = [...this.all];
  }

  get busy(): number {
    return this.size - this.free.length - this.broken;
  }

  get queued(): number {
    return this.waiting.length;
  }

  acquire(): Promise<Slot> {
    const slot = this.free.shift();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve) => this.waiting.push(resolve));
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
