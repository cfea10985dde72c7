import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import { CappedBuffer } from './capped-buffer.js';

/**
 * One program under the kiln-run helper (native/kiln-run.c): as the slot's uid, with rlimits, guarded while
 * it runs (run-wide memory, files, OOM score), its output counted as it arrives and cut at the cap, a wall
 * clock here, and its slot swept by the helper once it is over.
 */

export interface Rlimits {
  nproc: number;
  fsizeBytes: number;
  nofile: number;
  cpuSeconds: number;
  addressSpaceBytes?: number;
}

/** How a program is started: everything fixed before it runs (who, where, what, under which limits). */
export interface StartOptions {
  helper: string;
  landlock: boolean;
  uid: number;
  gid: number;
  dir: string;
  argv: string[];
  env: Record<string, string>;
  rlimits: Rlimits;
  /** The run-wide memory limit the helper's guard enforces. */
  memoryBytes: number;
  /** The shared scratch dirs (/tmp, /dev/shm, /dev/mqueue): counted, confined to and swept. */
  scratchDirs: readonly string[];
  /** Slots sharing those dirs: each run may hold its share of their inodes. */
  slots: number;
  /**
   * A warm start: the program is started ahead of its run, waiting on this file of its work dir (a FIFO
   * until release, see kiln-run.c), and its source comes with the release.
   */
  gate?: string;
  /** Sweep the slot after the program (the last stage of a run); the outcome's `swept` says how it went. */
  sweep: boolean;
}

/** What a run adds once it is released: its source (warm start), input, wall clock, output cap. */
export interface ReleaseOptions {
  source?: string;
  stdin: string;
  timeMs: number;
  outputBytes: number;
  signal?: AbortSignal;
}

export type KillReason = 'time' | 'output' | 'cancel';

/** The helper's report on the slot after the program: clean, or what is left (bounded text). */
export interface SweepReport {
  clean: boolean;
  problems?: string;
}

export interface Outcome {
  exitCode: number | null;
  signal: string | null;
  timeMs: number;
  /** CPU time of all the run's processes since release: a warm start's start-up is not the run's. */
  cpuTimeMs: number;
  /** Peak memory of the run as a whole (processes, shared memory, files), in KiB. */
  memoryKb: number;
  stdout: Buffer;
  stderr: Buffer;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  killedFor: KillReason | null;
  /** Set when the helper could not start the program: an internal error, not the program's. */
  setupError: string | null;
  /** The helper's guard ended the run: `memory`, `files` or `oom_score_adj` (see guard.c). */
  violation: string | null;
}

/** A program started under the helper. */
export interface Program {
  /** The helper has already exited (a warm program that died while waiting can run nothing). */
  readonly exited: boolean;
  /** Release the program: source and input go in, its wall clock starts. Call once. */
  release(options: ReleaseOptions): Promise<Outcome>;
  /** End a program that will never be released. */
  discard(): void;
  /** Resolves when the helper is gone, with its sweep of the slot (never rejects). */
  readonly done: Promise<SweepReport | undefined>;
}

// The first name of each number: SIGABRT, not its later alias SIGIOT.
const SIGNAL_NAMES = new Map<number, string>();
for (const [name, number] of Object.entries(constants.signals))
  if (!SIGNAL_NAMES.has(number)) SIGNAL_NAMES.set(number, name);

/** A helper that does not end within this after it was told to is killed (its slot then needs a sweep). */
const HELPER_GRACE_MS = 5000;

function helperArgs(options: StartOptions): string[] {
  const { rlimits } = options;
  const args = ['--uid', String(options.uid), '--gid', String(options.gid), '--dir', options.dir];
  args.push('--landlock', options.landlock ? '1' : '0');
  args.push('--nproc', String(rlimits.nproc), '--fsize', String(rlimits.fsizeBytes));
  args.push('--nofile', String(rlimits.nofile), '--cpu', String(rlimits.cpuSeconds));
  if (rlimits.addressSpaceBytes !== undefined) args.push('--as', String(rlimits.addressSpaceBytes));
  args.push('--memory', String(options.memoryBytes), '--slots', String(options.slots));
  for (const dir of options.scratchDirs) args.push('--scratch', dir);
  if (options.gate) args.push('--gate', options.gate);
  if (options.sweep) args.push('--sweep');
  return [...args, '--', ...options.argv];
}

/** The fields of the helper's `status=` line (see kiln-run.c). */
function parseStatus(line: string) {
  const field = (name: string) => Number(new RegExp(`(?:^| )${name}=(-?\\d+)`).exec(line)?.[1] ?? Number.NaN);
  return { status: field('status'), cpuUs: field('cpu_us'), memoryKb: field('memory_kb') };
}

export function startProgram(options: StartOptions): Program {
  const child = spawn(options.helper, helperArgs(options), {
    cwd: '/',
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  let helperGone = false;
  // The helper's exit code; 'stopped' when the agent's SIGUSR1 came before the helper was ready for it
  // (it blocks the signal before it forks): then nothing was started.
  const exit = new Promise<number | 'stopped' | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('exit', (code, signal) => resolve(signal === 'SIGUSR1' ? 'stopped' : code));
  }).finally(() => {
    helperGone = true;
  });
  child.stdin!.on('error', () => {}); // the program may end without reading its input

  // The helper's report on fd 3, line by line (kiln-run.c's header lists them).
  const report = {
    setupError: null as string | null,
    violation: null as string | null,
    status: '',
    swept: '',
  };
  let onStatus = () => {};
  const statusSeen = new Promise<void>((resolve) => {
    onStatus = resolve;
  });
  let pending = '';
  const reportStream = child.stdio[3] as Readable;
  const reportDone = new Promise<void>((resolve) => {
    reportStream.on('data', (chunk: Buffer) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
        const line = pending.slice(0, end);
        pending = pending.slice(end + 1);
        if (line.startsWith('setup_error=')) report.setupError = line.slice(12, 512);
        else if (line.startsWith('violation=')) report.violation = line.slice(10, 64);
        else if (line.startsWith('status=')) {
          report.status = line;
          onStatus();
        } else if (line.startsWith('swept=')) report.swept = line.slice(0, 512);
      }
    });
    reportStream.on('close', () => resolve());
    reportStream.on('error', () => resolve());
  });
  void reportDone.then(() => onStatus());

  let killedFor: KillReason | null = null;
  let graceTimer: NodeJS.Timeout | undefined;
  const end = (reason: KillReason) => {
    killedFor ??= reason;
    if (helperGone || graceTimer) return;
    child.kill('SIGUSR1');
    graceTimer = setTimeout(() => child.kill('SIGKILL'), HELPER_GRACE_MS);
    graceTimer.unref();
  };

  let output: { stdout: CappedBuffer; stderr: CappedBuffer } | undefined;
  const early: Array<[Buffer, 'stdout' | 'stderr']> = [];
  // What a program prints before its release belongs to the run (it has no output cap of its own yet).
  const sink = (name: 'stdout' | 'stderr') => (chunk: Buffer) => {
    if (!output) early.push([chunk, name]);
    else if (!output[name].push(chunk)) end('output');
  };
  const drained = (stream: Readable, onData: (chunk: Buffer) => void) =>
    new Promise<void>((resolve) => {
      stream.on('data', onData);
      stream.on('close', () => resolve());
      stream.on('error', () => resolve());
    });
  const streams = Promise.all([
    drained(child.stdout!, sink('stdout')),
    drained(child.stderr!, sink('stderr')),
  ]);

  const done = Promise.all([exit, reportDone]).then(() => {
    clearTimeout(graceTimer);
    if (!report.swept) return undefined;
    if (report.swept === 'swept=1') return { clean: true };
    return { clean: false, problems: report.swept.replace(/^swept=0 problems=/, '') };
  });

  let released = false;
  return {
    get exited() {
      return helperGone;
    },
    done,

    async release(run: ReleaseOptions): Promise<Outcome> {
      if (released) throw new Error('a program is released once');
      released = true;
      const started = process.hrtime.bigint();
      output = { stdout: new CappedBuffer(run.outputBytes), stderr: new CappedBuffer(run.outputBytes) };
      for (const [chunk, name] of early.splice(0)) sink(name)(chunk);
      if (options.gate) {
        const source = Buffer.from(run.source ?? '');
        child.stdin!.write(`${source.length}\n`);
        child.stdin!.write(source);
      }
      child.stdin!.end(run.stdin);
      const timer = setTimeout(() => end('time'), run.timeMs);
      const onAbort = () => end('cancel');
      if (run.signal?.aborted) onAbort();
      run.signal?.addEventListener('abort', onAbort, { once: true });
      // The helper ends the program's streams before its status line; a helper that died writes neither.
      await Promise.race([Promise.all([streams, statusSeen]), exit.then(() => streams)]);
      const timeMs = Number((process.hrtime.bigint() - started) / 1_000_000n);
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      const helperExit = report.status ? 0 : await exit;
      return outcomeOf(helperExit, report, timeMs, killedFor, output);
    },

    discard(): void {
      released = true;
      end('cancel');
    },
  };
}

function outcomeOf(
  helperExit: number | 'stopped' | null,
  report: { setupError: string | null; violation: string | null; status: string },
  timeMs: number,
  killedFor: KillReason | null,
  output: { stdout: CappedBuffer; stderr: CappedBuffer },
): Outcome {
  const { stdout, stderr } = output;
  const parsed = parseStatus(report.status);
  const stoppedEarly = helperExit === 'stopped' && killedFor !== null;
  const setupError = stoppedEarly
    ? null
    : helperExit !== 0 || !Number.isFinite(parsed.status)
      ? `sandbox helper failed (exit ${helperExit}): ${stderr.value.toString().trim().slice(0, 500)}`
      : report.setupError
        ? `sandbox setup failed: ${report.setupError}`
        : null;
  const exited = (parsed.status & 0x7f) === 0;
  const started = !setupError && !stoppedEarly;
  return {
    exitCode: started && exited ? (parsed.status >> 8) & 0xff : null,
    signal:
      !started || exited ? null : (SIGNAL_NAMES.get(parsed.status & 0x7f) ?? `SIG${parsed.status & 0x7f}`),
    timeMs,
    cpuTimeMs: Math.round((parsed.cpuUs || 0) / 1000),
    memoryKb: parsed.memoryKb || 0,
    stdout: stdout.value,
    stderr: stderr.value,
    stdoutTruncated: stdout.truncated,
    stderrTruncated: stderr.truncated,
    killedFor,
    setupError,
    violation: report.violation,
  };
}
