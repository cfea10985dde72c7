import { ConfigError, defaultLimits } from '@kiln/config';
import {
  type CompileResult,
  type ExecutionResult,
  emptyResult,
  LIMIT_KEYS,
  type Limits,
  type RunFrame,
  resolveLimits,
} from '@kiln/protocol';
import type { Logger } from 'pino';
import { oomKills } from './cgroup.js';
import { Compiler } from './compile.js';
import type { AgentConfig } from './config.js';
import { Janitor } from './janitor.js';
import type { LanguageSpec, Toolchain } from './language.js';
import { Launcher } from './launcher.js';
import { createWorkDir } from './sandbox/files.js';
import type { Outcome } from './sandbox/program.js';
import type { Slot } from './slots.js';
import { decideStatus, VIOLATIONS } from './status.js';
import { WarmStart } from './warm-start.js';

/**
 * One run: prime (the slot's warm runtime, or a fresh work dir) → compile (if the language has a compile
 * stage) → run the program → decide its status. The runner does the run itself and composes the jobs
 * around it: the launcher starts every program in a slot, the compiler compiles, the warm start readies a
 * slot's next runtime, and the janitor brings a slot back to its baseline afterwards (a slot is handed out
 * again only once clean).
 */
export class Runner {
  readonly janitor: Janitor;
  readonly warm: WarmStart;
  private readonly defaults: Limits;
  private readonly launcher: Launcher;
  private readonly compiler: Compiler | undefined;

  constructor(
    config: AgentConfig,
    private readonly toolchain: Toolchain,
    slots: number,
    private readonly log: Logger,
  ) {
    this.defaults = runDefaults(config.defaultLimits, toolchain.spec);
    this.launcher = new Launcher(config, toolchain, slots);
    this.janitor = new Janitor(config, log);
    this.warm = new WarmStart(
      toolchain.spec,
      this.defaults,
      config.warmStart,
      this.launcher,
      this.janitor,
      log,
    );
    this.compiler = Compiler.of(toolchain, config, this.launcher);
  }

  get language() {
    return this.toolchain.spec.language;
  }

  /** Resolve a run's limits against the defaults and the language's maximums (throws LimitExceededError). */
  limitsFor(frame: RunFrame): Limits {
    return resolveLimits(frame.limits, this.defaults, this.toolchain.spec.limits.maximums);
  }

  async run(frame: RunFrame, limits: Limits, slot: Slot, signal: AbortSignal): Promise<ExecutionResult> {
    const { spec } = this.toolchain;
    const oomBefore = oomKills();
    let program = await this.warm.take(slot, limits);
    let compile: CompileResult | undefined;
    if (!program) {
      createWorkDir(slot.dir, slot.uid, slot.gid, { [spec.sourceFile]: frame.code });
      if (this.compiler) {
        compile = await this.compiler.compile(frame.code, slot, signal);
        if (compile.status !== 'ok') {
          // The compile stage's helper does not sweep: the janitor sweeps the slot on its own.
          const status = compile.status === 'internal_error' ? 'internal_error' : 'compile_error';
          return { ...emptyResult(frame.id, this.language, status), compile };
        }
      }
      program = this.launcher.start(slot, this.launcher.programOptions(slot, limits));
    }
    const outcome = await program.release({
      source: frame.code,
      stdin: frame.stdin,
      timeMs: limits.timeMs,
      outputBytes: limits.outputKb * 1024,
      signal,
    });
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

  /** The result of a run the agent itself failed (not the program). */
  internalError(id: string): ExecutionResult {
    return emptyResult(id, this.language, 'internal_error');
  }
}

/**
 * The defaults a run's limits are filled from, and the warm start's: the operator's (KILN_DEFAULT_*, the
 * gateway's), so that the warm start applies to every run at the defaults, whatever they are. One above the
 * language's maximum would have every run at the defaults refused: the agent refuses to start instead.
 */
export function runDefaults(configured: Limits, spec: LanguageSpec): Limits {
  const { maximums } = spec.limits;
  const problems = LIMIT_KEYS.filter((key) => configured[key] > maximums[key]).map(
    (key) =>
      `${defaultLimits[key].env} (${configured[key]}) is above the ${spec.language} maximum of ${maximums[key]} ` +
      '(its language table): lower it, or raise the maximum in the executor image',
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return configured;
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
