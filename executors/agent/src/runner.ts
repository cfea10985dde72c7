import { chmodSync, existsSync, lchownSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import {
  type CompileResult,
  type ExecutionResult,
  emptyResult,
  type Limits,
  type RunFrame,
  resolveLimits,
} from '@kiln/protocol';
import type { Logger } from 'pino';
import { CompileCache } from './compile-cache.js';
import type { AgentConfig } from './config.js';
import { fillArgv, type Toolchain } from './language.js';
import {
  type ExecuteOptions,
  execute,
  type Outcome,
  type Rlimits,
  type StartedProgram,
  start,
} from './sandbox/execute.js';
import { createWorkDir, entriesOf, removeEntriesOf, removeTree, writeWorkFile } from './sandbox/files.js';
import { ipcObjectsOf, removeIpcOf } from './sandbox/ipc.js';
import { killAllOf } from './sandbox/processes.js';
import type { Slot } from './slots.js';
import { decideStatus } from './status.js';

const MB = 1024 * 1024;

/** The limits a started runtime has fixed already (rlimits, the heap flag); wall time and output are not. */
const warmKey = (limits: Limits) => `${limits.memoryMb}/${Math.ceil(limits.cpuTimeMs / 1000)}`;

/** Why the sandbox helper ended a run on its own, in words for the program's author. */
const VIOLATIONS: Record<string, string> = {
  oom_score_adj: 'the program lowered its OOM score (oom_score_adj), which would expose the executor',
};

export class DirtySlotError extends Error {
  constructor(
    readonly slot: Slot,
    readonly problems: string[],
  ) {
    super(`slot ${slot.index} (uid ${slot.uid}) is not back to its baseline: ${problems.join('; ')}`);
    this.name = 'DirtySlotError';
    Object.setPrototypeOf(this, DirtySlotError.prototype);
  }
}

/**
 * One run is a small state machine: prime (fresh work dir) → compile (if the language has a compile stage)
 * → execute → clean. Cleaning happens in `finally`, whatever the earlier stages did, and a slot is only
 * handed out again once the baseline check passed.
 */
export class Runner {
  private readonly cache: CompileCache;
  /** Per slot: whether the helper confirmed, after the last program, that no process of the uid is left. */
  private readonly processesGone = new Map<number, boolean>();
  /**
   * Diagnostics of sources that did not compile, by cache key (bounded like the binary cache): a compile
   * error is as deterministic as a binary, so a batch's identical broken sources compile once too.
   */
  private readonly compileErrors = new Map<string, CompileResult>();
  /** Compiles in progress by cache key: a second run of the same source waits for the first one's binary. */
  private readonly compiling = new Map<string, Promise<unknown>>();
  /** Per slot: the runtime started ahead of the next run (a warm start), and the limits it was started with. */
  private readonly warm = new Map<number, { slot: Slot; program: StartedProgram; limits: string }>();

  constructor(
    private readonly config: AgentConfig,
    private readonly toolchain: Toolchain,
    private readonly log: Logger,
  ) {
    this.cache = new CompileCache(config.cacheDir, config.cacheEntries, config.cacheMb * MB);
  }

  get language() {
    return this.toolchain.spec.language;
  }

  /** Resolve a run's limits against the language's defaults and maximums (throws LimitExceededError). */
  limitsFor(frame: RunFrame): Limits {
    const { defaults, maximums } = this.toolchain.spec.limits;
    return resolveLimits(frame.limits, defaults, maximums);
  }

  workDir(slot: Slot): string {
    return join(this.config.workRoot, `slot-${slot.index}`);
  }

  async run(frame: RunFrame, limits: Limits, slot: Slot, signal: AbortSignal): Promise<ExecutionResult> {
    const { spec } = this.toolchain;
    const dir = this.workDir(slot);
    const run = { stdin: frame.stdin, timeMs: limits.timeMs, outputBytes: limits.outputKb * 1024, signal };
    const warm = await this.takeWarm(slot, limits);
    if (warm) {
      this.withDirTaken(slot, dir, () => writeWorkFile(dir, slot.uid, slot.gid, spec.sourceFile, frame.code));
    } else {
      createWorkDir(dir, slot.uid, slot.gid, { [spec.sourceFile]: frame.code });
    }

    let compile: CompileResult | undefined;
    if (spec.compile) {
      compile = await this.compile(frame.code, slot, dir, signal);
      if (compile.status !== 'ok') {
        return this.result(
          frame.id,
          compile.status === 'internal_error' ? 'internal_error' : 'compile_error',
          compile,
        );
      }
    }

    const outcome = warm
      ? await this.finish(slot, warm.run(run))
      : await this.execute(slot, { ...this.programOf(slot, limits, spec.run), ...run });
    const status = decideStatus({
      outcome,
      cpuTimeLimitMs: limits.cpuTimeMs,
      memoryLimitKb: limits.memoryMb * 1024,
      memoryErrors: this.toolchain.memoryErrors,
    });
    if (outcome.setupError)
      this.log.error({ runId: frame.id, slot: slot.index, err: outcome.setupError }, 'sandbox setup failed');
    return { ...this.result(frame.id, status, compile), ...this.measurements(outcome) };
  }

  /**
   * Start the runtime of the slot's next run ahead of it (a warm start), with the default limits, in a fresh
   * work dir: called once the slot is clean. A run with other limits discards it and starts cold.
   */
  prepare(slot: Slot): void {
    const { spec } = this.toolchain;
    if (!spec.warmRun || !this.config.warmStart) return;
    const limits = spec.limits.defaults;
    try {
      createWorkDir(this.workDir(slot), slot.uid, slot.gid, {});
      this.processesGone.set(slot.index, false);
      const program = start({ ...this.programOf(slot, limits, spec.warmRun), gated: true });
      this.warm.set(slot.index, { slot, program, limits: warmKey(limits) });
    } catch (err) {
      this.log.warn({ slot: slot.index, err }, 'warm start failed: the next run starts cold');
    }
  }

  /** The slot's warm runtime if it fits these limits; otherwise none, and the slot is as if never warmed. */
  private async takeWarm(slot: Slot, limits: Limits): Promise<StartedProgram | undefined> {
    const warm = this.warm.get(slot.index);
    if (!warm) return undefined;
    this.warm.delete(slot.index);
    await warm.program.settled;
    if (warm.limits === warmKey(limits) && !warm.program.exited) return warm.program;
    await this.discardWarm(slot, warm.program);
    return undefined;
  }

  private async discardWarm(slot: Slot, program: StartedProgram): Promise<void> {
    await program.discard();
    this.processesGone.set(slot.index, false);
    removeTree(this.workDir(slot));
  }

  /** End every warm runtime and clean its slot (shutdown): the agent leaves nothing behind. */
  async discardAllWarm(): Promise<void> {
    const warm = [...this.warm.values()];
    this.warm.clear();
    await Promise.all(
      warm.map(({ slot, program }) => this.discardWarm(slot, program).then(() => this.clean(slot))),
    );
  }

  private programOf(slot: Slot, limits: Limits, template: readonly string[]) {
    const files = {
      source: this.toolchain.spec.sourceFile,
      binary: this.toolchain.spec.compile?.binaryFile ?? '',
      languageDir: this.toolchain.languageDir,
      memoryMb: String(limits.memoryMb),
    };
    const argv = fillArgv(template, files).map((part, i) => (i === 0 ? this.toolchain.resolve(part) : part));
    return {
      ...this.sandboxOf(slot, this.workDir(slot)),
      argv,
      rlimits: this.rlimits(Math.ceil(limits.cpuTimeMs / 1000), limits.memoryMb),
    };
  }

  private async compile(
    source: string,
    slot: Slot,
    dir: string,
    signal: AbortSignal,
  ): Promise<CompileResult> {
    const stage = this.toolchain.spec.compile!;
    const command = fillArgv(stage.command, {
      source: this.toolchain.spec.sourceFile,
      binary: stage.binaryFile,
      pchDir: this.config.pchDir,
    });
    const key = CompileCache.key(this.toolchain.version, command, source);
    const binary = join(dir, stage.binaryFile);
    const started = Date.now();
    // The same source in two slots at once (a batch's identical submissions) compiles once: the second
    // waits for the first and takes its binary from the cache. (Checked and set with no await in between.)
    const pending = this.compiling.get(key);
    if (pending) await pending;
    if (this.withDirTaken(slot, dir, () => this.cache.copyOut(key, binary))) {
      return { status: 'ok', output: '', timeMs: Date.now() - started, cached: true };
    }
    const failed = this.compileErrors.get(key);
    if (failed) return { ...failed, timeMs: 0, cached: true };
    const compiled = this.compileFresh(key, command, slot, dir, signal).then((result) => {
      // Only the compiler's own verdict: a time or memory limit may depend on the machine's load.
      if (result.status === 'compile_error' && this.config.cacheEntries > 0) {
        this.compileErrors.delete(key);
        this.compileErrors.set(key, result);
        while (this.compileErrors.size > this.config.cacheEntries) {
          this.compileErrors.delete(this.compileErrors.keys().next().value!);
        }
      }
      return result;
    });
    const settled = compiled.catch(() => undefined);
    this.compiling.set(key, settled);
    try {
      return await compiled;
    } finally {
      if (this.compiling.get(key) === settled) this.compiling.delete(key);
    }
  }

  private async compileFresh(
    key: string,
    command: string[],
    slot: Slot,
    dir: string,
    signal: AbortSignal,
  ): Promise<CompileResult> {
    const stage = this.toolchain.spec.compile!;
    const binary = join(dir, stage.binaryFile);
    const outcome = await this.execute(slot, {
      ...this.sandboxOf(slot, dir),
      argv: [this.toolchain.resolve(command[0]!), ...command.slice(1)],
      stdin: '',
      rlimits: this.rlimits(Math.ceil(stage.limits.timeMs / 1000), stage.limits.memoryMb, 'address-space'),
      timeMs: stage.limits.timeMs,
      outputBytes: stage.limits.outputKb * 1024,
      signal,
    });
    const output = Buffer.concat([outcome.stdout, outcome.stderr]).toString('utf8');
    const status = decideStatus({
      outcome,
      cpuTimeLimitMs: stage.limits.timeMs,
      memoryLimitKb: stage.limits.memoryMb * 1024,
      // cc1plus reports an exhausted address space in its own words. When the container runs short first,
      // the kernel's OOM killer takes cc1plus (SIGKILL) and only the g++ driver is left to tell: that is a
      // memory limit too, which may depend on the load of the moment, so it is never remembered as the
      // source's compile error (tests/hostile/cpp/macro_bomb).
      memoryErrors: [
        /virtual memory exhausted|out of memory allocating|std::bad_alloc/,
        /^g\+\+: fatal error: Killed signal terminated program/m,
      ],
    });
    const compileStatus =
      status === 'ok' || status === 'runtime_error' ? (status === 'ok' ? 'ok' : 'compile_error') : status;
    if (compileStatus === 'ok') {
      // The binary is the uid's: take it (and, for a moment, the dir) so the uid cannot alter the cached copy.
      this.withDirTaken(slot, dir, () => {
        if (!lstatSync(binary).isFile()) throw new Error('compiler output is not a regular file');
        lchownSync(binary, 0, 0);
        chmodSync(binary, 0o755);
        this.cache.store(key, binary);
      });
    }
    return { status: compileStatus, output, timeMs: outcome.timeMs, cached: false };
  }

  private execute(slot: Slot, options: ExecuteOptions): Promise<Outcome> {
    this.processesGone.set(slot.index, false);
    return this.finish(slot, execute(options));
  }

  private async finish(slot: Slot, running: Promise<Outcome>): Promise<Outcome> {
    const outcome = await running;
    this.processesGone.set(slot.index, outcome.clean);
    return outcome;
  }

  /** Run `action` while root owns the work dir (root has no CAP_DAC_OVERRIDE to enter the uid's 0700 dir). */
  private withDirTaken<T>(slot: Slot, dir: string, action: () => T): T {
    lchownSync(dir, 0, 0);
    try {
      return action();
    } finally {
      lchownSync(dir, slot.uid, slot.gid);
    }
  }

  private sandboxOf(slot: Slot, dir: string) {
    return {
      runner: this.config.runner,
      landlock: this.config.landlock,
      uid: slot.uid,
      gid: slot.gid,
      dir,
      // A minimal environment: nothing of the agent's (no token path, no config) reaches the program.
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dir, TMPDIR: dir, LANG: 'C.UTF-8' },
      killAll: () => killAllOf(slot.uid),
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
    return this.result(id, 'internal_error');
  }

  private result(id: string, status: ExecutionResult['status'], compile?: CompileResult): ExecutionResult {
    return { ...emptyResult(id, this.language, status), ...(compile ? { compile } : {}) };
  }

  private measurements(outcome: Outcome) {
    return {
      exitCode: outcome.exitCode,
      signal: outcome.signal,
      stdout: outcome.stdout.toString('utf8'),
      stderr: outcome.setupError
        ? ''
        : outcome.stderr.toString('utf8') +
          (outcome.violation
            ? `\n[kiln] run killed: ${VIOLATIONS[outcome.violation] ?? outcome.violation}\n`
            : ''),
      stdoutTruncated: outcome.stdoutTruncated,
      stderrTruncated: outcome.stderrTruncated,
      timeMs: outcome.timeMs,
      cpuTimeMs: outcome.cpuTimeMs,
      memoryKb: outcome.memoryKb,
    };
  }

  /**
   * Leave the slot exactly as it was: no process of its uid, no work dir, nothing of the uid in the scratch
   * dirs, no SysV IPC. Throws DirtySlotError if, after all that, anything is still there.
   */
  async clean(slot: Slot): Promise<void> {
    const dir = this.workDir(slot);
    const problems: string[] = [];
    const attempt = async (what: string, action: () => unknown) => {
      try {
        await action();
      } catch (err) {
        problems.push(`${what}: ${(err as Error).message}`);
      }
    };
    // The helper's kernel-confirmed kill covers the normal path; anything else gets the full /proc janitor,
    // which throws if a process of the uid survives it.
    const gone = this.processesGone.get(slot.index) === true;
    this.processesGone.delete(slot.index);
    if (!gone) await attempt('kill', () => killAllOf(slot.uid));
    await attempt('work dir', () => removeTree(dir));
    // What a scan found is removed, then checked again; where a scan found nothing, nothing is left there.
    const removedFrom: string[] = [];
    for (const scratch of this.config.scratchDirs) {
      await attempt(scratch, () => removeEntriesOf(scratch, slot.uid) > 0 && removedFrom.push(scratch));
    }
    let ipcFound = false;
    await attempt('ipc', async () => {
      ipcFound =
        (await removeIpcOf(slot.uid, slot.gid, this.config.runner, this.toolchain.resolve('ipcrm'))) > 0;
    });

    if (existsSync(dir)) problems.push(`work dir ${dir} still exists`);
    for (const scratch of removedFrom) {
      const entries = entriesOf(scratch, slot.uid);
      if (entries.length > 0) problems.push(`left in ${scratch}: ${entries.length} entries`);
    }
    if (ipcFound && ipcObjectsOf(slot.uid).length > 0) problems.push('SysV IPC objects left');
    if (problems.length > 0) throw new DirtySlotError(slot, problems);
  }
}
