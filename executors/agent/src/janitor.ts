import type { Logger } from 'pino';
import type { AgentConfig } from './config.js';
import { sweepSlot } from './sandbox/sweep.js';
import type { Slot } from './slots.js';

/**
 * Brings a slot back to its baseline between runs, so that it is handed out again only when clean. The
 * helper of the slot's last program sweeps the slot as that program ends, which costs the next run
 * nothing: the janitor waits for that sweep, and sweeps on its own only where there was none or it failed
 * (a compile that ended the run, whose helper does not sweep; a helper that died; a slot where nothing
 * ran; whatever a previous agent left at start-up).
 */
export class Janitor {
  constructor(
    private readonly config: Pick<AgentConfig, 'runner' | 'scratchDirs'>,
    private readonly log: Logger,
  ) {}

  /**
   * Leave the slot exactly as it was: no process of its uid, no work dir, nothing of the uid in the
   * scratch dirs, no SysV IPC. Throws DirtySlotError when the slot still is not back at its baseline.
   */
  async clean(slot: Slot): Promise<void> {
    const swept = await slot.helperDone;
    slot.helperDone = undefined;
    if (swept?.clean) return;
    const retried = await sweepSlot({
      helper: this.config.runner,
      uid: slot.uid,
      gid: slot.gid,
      dir: slot.dir,
      scratchDirs: this.config.scratchDirs,
    });
    if (!retried.clean) throw new DirtySlotError(slot, retried.problems ?? 'unknown');
    if (swept) this.log.warn({ slot: slot.index, problems: swept.problems }, 'slot needed a second sweep');
  }
}

/** A slot that even a sweep on its own left dirty: it is retired (see server.ts). */
export class DirtySlotError extends Error {
  constructor(
    readonly slot: Slot,
    readonly problems: string,
  ) {
    super(`slot ${slot.index} (uid ${slot.uid}) is not back to its baseline: ${problems}`);
    this.name = 'DirtySlotError';
    Object.setPrototypeOf(this, DirtySlotError.prototype);
  }
}
