import { chmodSync, lchownSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { CompileResult } from '@kiln/protocol';
import { CompileCache } from './compile-cache.js';
import type { AgentConfig } from './config.js';
import { fillArgv, type LanguageSpec, type Toolchain } from './language.js';
import type { Launcher } from './launcher.js';
import { withDirTaken } from './sandbox/files.js';
import type { Outcome } from './sandbox/program.js';
import type { Slot } from './slots.js';
import { decideStatus } from './status.js';

const MB = 1024 * 1024;

type CompileSpec = NonNullable<LanguageSpec['compile']>;

/**
 * The compile stage of a language that has one: binaries cached by a hash of compiler version, command and
 * source; the same source in two slots at once compiled once (the second waits for the first); and a
 * compile error remembered like a binary, so a batch's identical broken sources compile once too.
 *
 * Only the compiler's own verdict is remembered: a binary from a compiler that exited 0, or a compile error
 * from one that exited non-zero by itself. A compile that did not finish on its own (cancelled, its link
 * lost, past its wall clock or CPU time, over its memory, killed by any signal) says nothing about the
 * source: it is never cached, and a run that waited on it compiles again instead of inheriting the failure.
 */
export class Compiler {
  private readonly cache: CompileCache;
  /** The compile command, filled in once: it is part of every key, with the compiler's version. */
  private readonly command: readonly string[];
  /** Compile errors by key, oldest first, bounded like the cache's binaries. */
  private readonly errors = new Map<string, CompileResult>();
  /** The compile under way for each key: a second run of the same source waits for it. */
  private readonly inFlight = new Map<string, Promise<unknown>>();

  /** The compiler of a language that has a compile stage; none for the others. */
  static of(toolchain: Toolchain, config: AgentConfig, launcher: Launcher): Compiler | undefined {
    const stage = toolchain.spec.compile;
    return stage ? new Compiler(stage, toolchain, config, launcher) : undefined;
  }

  private constructor(
    private readonly stage: CompileSpec,
    private readonly toolchain: Toolchain,
    private readonly config: AgentConfig,
    private readonly launcher: Launcher,
  ) {
    this.command = [
      toolchain.resolve(stage.command[0]!),
      ...fillArgv(stage.command.slice(1), {
        source: toolchain.spec.sourceFile,
        binary: stage.binaryFile,
        pchDir: config.pchDir,
      }),
    ];
    this.cache = new CompileCache(config.cacheDir, config.cacheEntries, config.cacheMb * MB);
  }

  /** Compile the source in the slot's work dir (written already), leaving the binary there when it is ok. */
  async compile(source: string, slot: Slot, signal: AbortSignal): Promise<CompileResult> {
    const key = CompileCache.key(this.toolchain.version, this.command, source);
    const binary = join(slot.dir, this.stage.binaryFile);
    const started = Date.now();
    // Checked and set with no await in between: the second run of a source waits for the first's compile.
    const pending = this.inFlight.get(key);
    if (pending) await pending;
    if (withDirTaken(slot.dir, slot.uid, slot.gid, () => this.cache.copyOut(key, binary))) {
      return { status: 'ok', output: '', timeMs: Date.now() - started, cached: true };
    }
    const failed = this.errors.get(key);
    if (failed) return { ...failed, timeMs: 0, cached: true };
    const compiled = this.compileFresh(key, slot, signal);
    const settled = compiled.catch(() => undefined);
    this.inFlight.set(key, settled);
    try {
      return await compiled;
    } finally {
      if (this.inFlight.get(key) === settled) this.inFlight.delete(key);
    }
  }

  private async compileFresh(key: string, slot: Slot, signal: AbortSignal): Promise<CompileResult> {
    const { limits, binaryFile } = this.stage;
    const outcome = await this.runCompiler(slot, signal);
    const output = Buffer.concat([outcome.stdout, outcome.stderr]).toString('utf8');
    const result: CompileResult = {
      status: compileStatus(outcome, limits),
      output,
      timeMs: outcome.timeMs,
      cached: false,
    };
    if (!finishedByItself(outcome)) return result;
    if (result.status === 'ok') {
      const binary = join(slot.dir, binaryFile);
      // The binary is the uid's: take it (and, for a moment, the dir) so the uid cannot alter the cached copy.
      withDirTaken(slot.dir, slot.uid, slot.gid, () => {
        if (!lstatSync(binary).isFile()) throw new Error('compiler output is not a regular file');
        lchownSync(binary, 0, 0);
        chmodSync(binary, 0o755);
        this.cache.store(key, binary);
      });
    } else if (result.status === 'compile_error') {
      this.remember(key, result);
    }
    return result;
  }

  /**
   * The compiler in the slot, under the compile stage's own limits. Its memory is always held by the
   * address space (a compiler tolerates RLIMIT_AS, whatever the language's runtime does), and its helper
   * does not sweep: a run goes on in the same work dir, and one that ends here is swept by the janitor.
   */
  private runCompiler(slot: Slot, signal: AbortSignal): Promise<Outcome> {
    const { limits } = this.stage;
    const program = this.launcher.start(slot, {
      ...this.launcher.program(slot, [...this.command], limits, 'address-space'),
      sweep: false,
    });
    return program.release({
      stdin: '',
      timeMs: limits.timeMs,
      outputBytes: limits.outputKb * 1024,
      signal,
    });
  }

  private remember(key: string, result: CompileResult): void {
    const { cacheEntries } = this.config;
    if (cacheEntries === 0) return;
    this.errors.delete(key);
    this.errors.set(key, result);
    while (this.errors.size > cacheEntries) this.errors.delete(this.errors.keys().next().value!);
  }
}

/** The compiler ended by itself, with an exit code: nothing of Kiln's (or of the machine's load) decided it. */
function finishedByItself(outcome: Outcome): boolean {
  return (
    outcome.killedFor === null &&
    outcome.violation === null &&
    outcome.setupError === null &&
    outcome.signal === null &&
    outcome.exitCode !== null
  );
}

function compileStatus(
  outcome: Outcome,
  limits: { cpuTimeMs: number; memoryMb: number },
): CompileResult['status'] {
  if (outcome.killedFor === 'cancel') return 'internal_error';
  const status = decideStatus({
    outcome,
    cpuTimeLimitMs: limits.cpuTimeMs,
    memoryLimitKb: limits.memoryMb * 1024,
    // cc1plus reports an exhausted address space in its own words; when something else killed it, only the
    // g++ driver is left to tell, and that is a memory limit too (tests/hostile/cpp/macro_bomb).
    memoryErrors: [
      /virtual memory exhausted|out of memory allocating|std::bad_alloc/,
      /^g\+\+: fatal error: Killed signal terminated program/m,
    ],
  });
  if (status === 'ok') return 'ok';
  if (status === 'runtime_error') return 'compile_error';
  return status;
}
