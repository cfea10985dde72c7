import { chmodSync, lchownSync, mkdirSync } from 'node:fs';
import {
  type CompileResult,
  type ExecutionResult,
  emptyResult,
  type Limits,
  type RunFrame,
  resolveLimits,
} from '@kiln/protocol';
import type { Logger } from 'pino';
import { oomKills } from './cgroup.js';
import { Compiler, type CompileStage } from './compile.js';
import type { AgentConfig } from './config.js';
import { fillArgv, type Toolchain } from './language.js';
import { createWorkDir } from './sandbox/files.js';
import {
  type Outcome,
  type Program,
  type Rlimits,
  type StartOptions,
  startProgram,
} from './sandbox/program.js';
import { sweepSlot } from './sandbox/sweep.js';
import type { Slot } from './slots.js';
import { decideStatus, VIOLATIONS } from './status.js';

const MB = 1024 * 1024;

/** The limits a started runtime has fixed already (rlimits, the guard's memory, the heap flag). */
const warmKey = (limits: Limits) => `${limits.memoryMb}/${Math.ceil(limits.cpuTimeMs / 1000)}`;

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

/**
 * One run: prime (a fresh work dir, or the slot's warm runtime) → compile (if the language has a compile
 * stage) → run the program → the helper sweeps the slot. A slot is handed out again only once swept clean.
 */
export class Runner {
  private readonly compiler: Compiler | undefined;

  constructor(
    private readonly config: AgentConfig,
    private readonly toolchain: Toolchain,
    private readonly slots: number,
    private readonly log: Logger,
  ) {
    const stage = toolchain.spec.compile;
    if (stage) {
      this.compiler = new Compiler({
        version: toolchain.version,
        command: [
          toolchain.resolve(stage.command[0]!),
          ...fillArgv(stage.command.slice(1), {
            source: toolchain.spec.sourceFile,
            binary: stage.binaryFile,
            pchDir: config.pchDir,
          }),
        ],
        binaryFile: stage.binaryFile,
        limits: stage.limits,
        cacheDir: config.cacheDir,
        cacheEntries: config.cacheEntries,
        cacheBytes: config.cacheMb * MB,
      });
    }
  }

  get language() {
    return this.toolchain.spec.language;
  }

  /** Resolve a run's limits against the language's defaults and maximums (throws LimitExceededError). */
  limitsFor(frame: RunFrame): Limits {
    const { defaults, maximums } = this.toolchain.spec.limits;
    return resolveLimits(frame.limits, defaults, maximums);
  }

  async run(frame: RunFrame, limits: Limits, slot: Slot, signal: AbortSignal): Promise<ExecutionResult> {
    const { spec } = this.toolchain;
    const release = {
      stdin: frame.stdin,
      timeMs: limits.timeMs,
      outputBytes: limits.outputKb * 1024,
      signal,
    };
    const oomBefore = oomKills();
    let program = await this.takeWarm(slot, limits);
    let compile: CompileResult | undefined;
    if (!program) {
      createWorkDir(slot.dir, slot.uid, slot.gid, { [spec.sourceFile]: frame.code });
      if (this.compiler) {
        compile = await this.compiler.compile(frame.code, this.compileStage(slot), signal);
        if (compile.status !== 'ok') {
          // The compile stage's helper does not sweep: clean() sweeps the slot on its own.
          const status = compile.status === 'internal_error' ? 'internal_error' : 'compile_error';
          return { ...emptyResult(frame.id, this.language, status), compile };
        }
      }
      program = this.start(slot, { ...this.programOf(slot, limits, spec.run), sweep: true });
    }
    const outcome = await program.release({ ...release, source: frame.code });
    const status = decideStatus({
      outcome,
      cpuTimeLimitMs: limits.cpuTimeMs,
      memoryLimitKb: limits.memoryMb * 1024,
      memoryErrors: this.toolchain.memoryErrors,
      oomKilled: oomBefore !== undefined && (oomKills() ?? 0) > oomBefore,
    });
    if (outcome.setupError)
      this.log.error(
        { runId: frame.id, slot: slot.index, err: new Error(outcome.setupError) },
        'sandbox setup failed',
      );
    return {
      ...emptyResult(frame.id, this.language, status),
      ...(compile ? { compile } : {}),
      ...measurements(outcome),
    };
  }

  /**
   * Start the runtime of the slot's next run ahead of it (a warm start), with the default limits, waiting
   * at its gate in an empty work dir that root still holds: called once the slot is clean. A run with
   * other limits discards it and starts cold.
   */
  startWarm(slot: Slot): void {
    const { spec } = this.toolchain;
    if (!spec.warmStart || !this.config.warmStart) return;
    const limits = spec.limits.defaults;
    try {
      mkdirSync(slot.dir);
      chmodSync(slot.dir, 0o711); // the uid may enter (and read its FIFO) but create nothing before release
      const options = this.programOf(slot, limits, spec.run);
      // The start-up's CPU time is not the run's (the helper subtracts it), but RLIMIT_CPU counts it.
      options.rlimits.cpuSeconds += 1;
      const program = this.start(slot, { ...options, gate: spec.sourceFile, sweep: true });
      slot.warm = { program, key: warmKey(limits) };
    } catch (err) {
      this.log.warn({ slot: slot.index, err }, 'warm start failed: the next run starts cold');
    }
  }

  /** The slot's warm runtime if it fits these limits; otherwise none, and the slot is as if never warmed. */
  private async takeWarm(slot: Slot, limits: Limits): Promise<Program | undefined> {
    const warm = slot.warm;
    slot.warm = undefined;
    if (!warm) return undefined;
    if (warm.key === warmKey(limits) && !warm.program.exited) return warm.program;
    warm.program.discard();
    await this.clean(slot); // its helper sweeps the slot (or a sweep on its own does)
    return undefined;
  }

  /** End every warm runtime (shutdown); their helpers sweep their slots. */
  async stopWarm(slots: readonly Slot[]): Promise<void> {
    for (const slot of slots) slot.warm?.program.discard();
    await Promise.all(slots.map((slot) => this.clean(slot).catch(() => undefined)));
  }

  private start(slot: Slot, options: StartOptions): Program {
    const program = startProgram(options);
    slot.helperDone = program.done;
    return program;
  }

  private compileStage(slot: Slot): CompileStage {
    const stage = this.toolchain.spec.compile!;
    return {
      dir: slot.dir,
      withDirTaken: (action) => withDirTaken(slot, action),
      compile: (command, signal) => {
        const program = this.start(slot, {
          ...this.sandboxOf(slot),
          argv: command,
          rlimits: this.rlimits(
            Math.ceil(stage.limits.cpuTimeMs / 1000),
            stage.limits.memoryMb,
            'address-space',
          ),
          memoryBytes: stage.limits.memoryMb * MB,
          sweep: false,
        });
        return program.release({
          stdin: '',
          timeMs: stage.limits.timeMs,
          outputBytes: stage.limits.outputKb * 1024,
          signal,
        });
      },
    };
  }

  private programOf(slot: Slot, limits: Limits, template: readonly string[]) {
    const files = {
      source: this.toolchain.spec.sourceFile,
      binary: this.toolchain.spec.compile?.binaryFile ?? '',
      memoryMb: String(limits.memoryMb),
    };
    const argv = fillArgv(template, files).map((part, i) => (i === 0 ? this.toolchain.resolve(part) : part));
    return {
      ...this.sandboxOf(slot),
      argv,
      rlimits: this.rlimits(Math.ceil(limits.cpuTimeMs / 1000), limits.memoryMb),
      memoryBytes: limits.memoryMb * MB,
    };
  }

  private sandboxOf(slot: Slot) {
    return {
      helper: this.config.runner,
      landlock: this.config.landlock,
      uid: slot.uid,
      gid: slot.gid,
      dir: slot.dir,
      scratchDirs: this.config.scratchDirs,
      slots: this.slots,
      // A minimal environment: nothing of the agent's (no token path, no config) reaches the program.
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: slot.dir, TMPDIR: slot.dir, LANG: 'C.UTF-8' },
    };
  }

  private rlimits(cpuSeconds: number, memoryMb: number, kind = this.toolchain.spec.memoryRlimit): Rlimits {
    const { spec } = this.toolchain;
    return {
      nproc: spec.processes,
      fsizeBytes: spec.fileSizeMb * MB,
      nofile: spec.openFiles,
      cpuSeconds,
      ...(kind === 'address-space' ? { addressSpaceBytes: memoryMb * MB } : {}),
    };
  }

  /** The result of a run the agent itself failed (not the program). */
  internalError(id: string): ExecutionResult {
    return emptyResult(id, this.language, 'internal_error');
  }

  /**
   * Leave the slot exactly as it was: the helper of its last program sweeps it (no process of its uid, no
   * work dir, nothing of the uid in the scratch dirs, no SysV IPC); where it did not or could not, a sweep
   * on its own follows. Throws DirtySlotError when the slot still is not back at its baseline.
   */
  async clean(slot: Slot): Promise<void> {
    const swept = await slot.helperDone;
    slot.helperDone = undefined;
    if (swept?.clean) return;
    const retried = await sweepSlot({ ...this.sandboxOf(slot), helper: this.config.runner });
    if (!retried.clean) throw new DirtySlotError(slot, retried.problems ?? 'unknown');
    if (swept) this.log.warn({ slot: slot.index, problems: swept.problems }, 'slot needed a second sweep');
  }
}

/** Run `action` while root owns the work dir (root has no CAP_DAC_OVERRIDE to enter the uid's 0700 dir). */
function withDirTaken<T>(slot: Slot, action: () => T): T {
  lchownSync(slot.dir, 0, 0);
  try {
    return action();
  } finally {
    lchownSync(slot.dir, slot.uid, slot.gid);
  }
}

function measurements(outcome: Outcome) {
  const note = outcome.violation
    ? `\n[kiln] run killed: ${VIOLATIONS[outcome.violation] ?? outcome.violation}\n`
    : '';
  return {
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    stdout: outcome.stdout.toString('utf8'),
    stderr: outcome.setupError ? '' : outcome.stderr.toString('utf8') + note,
    stdoutTruncated: outcome.stdoutTruncated,
    stderrTruncated: outcome.stderrTruncated,
    timeMs: outcome.timeMs,
    cpuTimeMs: outcome.cpuTimeMs,
    memoryKb: outcome.memoryKb,
  };
}
