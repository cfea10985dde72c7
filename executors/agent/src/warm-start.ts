import { chmodSync, mkdirSync } from 'node:fs';
import type { Limits } from '@kiln/protocol';
import type { Logger } from 'pino';
import type { Janitor } from './janitor.js';
import type { LanguageSpec } from './language.js';
import type { Launcher } from './launcher.js';
import type { Program } from './sandbox/program.js';
import type { Slot } from './slots.js';

/** The limits a started runtime has fixed already (rlimits, the guard's memory, the heap flag). */
const warmKey = (limits: Limits) => `${limits.memoryMb}/${Math.ceil(limits.cpuTimeMs / 1000)}`;

/**
 * The warm start: the runtime of a slot's next run is started ahead of it, with the default limits (the
 * operator's KILN_DEFAULT_*, the ones the gateway fills requests with), and waits at its gate (see
 * native/kiln-run.c) in an empty work dir that root still holds, so a run with those limits does not wait
 * for the interpreter's start-up. The runtime waiting is the slot's own (`Slot.warm`); a run with other
 * limits discards it and starts cold. Only for languages whose table asks for it (`warmStart`), and only
 * while the agent's configuration allows it (KILN_WARM_START).
 */
export class WarmStart {
  private readonly enabled: boolean;

  constructor(
    private readonly spec: LanguageSpec,
    private readonly limits: Limits,
    enabled: boolean,
    private readonly launcher: Launcher,
    private readonly janitor: Janitor,
    private readonly log: Logger,
  ) {
    this.enabled = enabled && spec.warmStart === true;
  }

  /** Start the runtime of the slot's next run: called once the slot is clean. If it fails, the run is cold. */
  start(slot: Slot): void {
    if (!this.enabled) return;
    const { limits } = this;
    try {
      mkdirSync(slot.dir);
      chmodSync(slot.dir, 0o711); // the uid may enter (and read its FIFO) but create nothing before release
      const options = this.launcher.programOptions(slot, limits);
      // The start-up's CPU time is not the run's (the helper subtracts it), but RLIMIT_CPU counts it.
      options.rlimits.cpuSeconds += 1;
      const program = this.launcher.start(slot, { ...options, gate: this.spec.sourceFile });
      slot.warm = { program, key: warmKey(limits) };
    } catch (err) {
      this.log.warn({ slot: slot.index, err }, 'warm start failed: the next run starts cold');
    }
  }

  /** The slot's warm runtime if it fits these limits; otherwise none, and the slot is as if never warmed. */
  async take(slot: Slot, limits: Limits): Promise<Program | undefined> {
    const warm = slot.warm;
    slot.warm = undefined;
    if (!warm) return undefined;
    if (warm.key === warmKey(limits) && !warm.program.exited) return warm.program;
    warm.program.discard();
    await this.janitor.clean(slot); // its helper sweeps the slot (or a sweep on its own does)
    return undefined;
  }

  /** End every warm runtime (shutdown); their helpers sweep their slots. */
  async stop(slots: readonly Slot[]): Promise<void> {
    for (const slot of slots) slot.warm?.program.discard();
    await Promise.all(slots.map((slot) => this.janitor.clean(slot).catch(() => undefined)));
  }
}
