import { chmodSync, lchownSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { CompileResult } from '@kiln/protocol';
import { CompileCache } from './compile-cache.js';
import type { Outcome } from './sandbox/program.js';
import { decideStatus } from './status.js';

/** What the compiler's stage needs from the runner: run the compile command in the slot, take its dir. */
export interface CompileStage {
  /** Run the compile command in the work dir; the outcome is the compiler's. */
  compile(command: string[], signal: AbortSignal): Promise<Outcome>;
  /** Do `action` while root holds the work dir (the binary is copied in or out). */
  withDirTaken<T>(action: () => T): T;
  readonly dir: string;
}

export interface CompilerOptions {
  version: string;
  command: readonly string[];
  binaryFile: string;
  limits: { cpuTimeMs: number; timeMs: number; memoryMb: number };
  cacheDir: string;
  cacheEntries: number;
  cacheBytes: number;
}

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
  private readonly errors = new Map<string, CompileResult>();
  private readonly inFlight = new Map<string, Promise<unknown>>();

  constructor(private readonly options: CompilerOptions) {
    this.cache = new CompileCache(options.cacheDir, options.cacheEntries, options.cacheBytes);
  }

  async compile(source: string, stage: CompileStage, signal: AbortSignal): Promise<CompileResult> {
    const { command, binaryFile } = this.options;
    const key = CompileCache.key(this.options.version, command, source);
    const binary = join(stage.dir, binaryFile);
    const started = Date.now();
    // Checked and set with no await in between: the second run of a source waits for the first's compile.
    const pending = this.inFlight.get(key);
    if (pending) await pending;
    if (stage.withDirTaken(() => this.cache.copyOut(key, binary))) {
      return { status: 'ok', output: '', timeMs: Date.now() - started, cached: true };
    }
    const failed = this.errors.get(key);
    if (failed) return { ...failed, timeMs: 0, cached: true };
    const compiled = this.compileFresh(key, stage, signal);
    const settled = compiled.catch(() => undefined);
    this.inFlight.set(key, settled);
    try {
      return await compiled;
    } finally {
      if (this.inFlight.get(key) === settled) this.inFlight.delete(key);
    }
  }

  private async compileFresh(key: string, stage: CompileStage, signal: AbortSignal): Promise<CompileResult> {
    const { limits, binaryFile } = this.options;
    const outcome = await stage.compile([...this.options.command], signal);
    const output = Buffer.concat([outcome.stdout, outcome.stderr]).toString('utf8');
    const result: CompileResult = {
      status: compileStatus(outcome, limits),
      output,
      timeMs: outcome.timeMs,
      cached: false,
    };
    if (!finishedByItself(outcome)) return result;
    if (result.status === 'ok') {
      const binary = join(stage.dir, binaryFile);
      // The binary is the uid's: take it (and, for a moment, the dir) so the uid cannot alter the cached copy.
      stage.withDirTaken(() => {
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

  private remember(key: string, result: CompileResult): void {
    if (this.options.cacheEntries === 0) return;
    this.errors.delete(key);
    this.errors.set(key, result);
    while (this.errors.size > this.options.cacheEntries) this.errors.delete(this.errors.keys().next().value!);
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
