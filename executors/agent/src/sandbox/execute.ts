import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Run one program under the kiln-run helper: as the slot's uid, with rlimits, its stdio on pipes, a wall
 * clock in the agent, and stdout/stderr counted as they arrive and cut at the cap.
 */

export interface Rlimits {
  nproc: number;
  fsizeBytes: number;
  nofile: number;
  cpuSeconds: number;
  addressSpaceBytes?: number;
}

/** How a program is started: everything fixed before it runs (who, where, what, with which rlimits). */
export interface StartOptions {
  runner: string;
  landlock: boolean;
  uid: number;
  gid: number;
  dir: string;
  argv: string[];
  env: Record<string, string>;
  rlimits: Rlimits;
  /** Kills every process of the slot's uid; called on timeout, output cap, cancel and when the program ends. */
  killAll: () => Promise<void>;
  /**
   * A warm start: the program is a launcher that waits for the go byte (0x01) on stdin before it runs the
   * user's code, and the go byte is written ahead of the run's stdin.
   */
  gated?: boolean;
}

/** What a run adds once it is released: its input, its wall clock, its output cap. */
export interface RunOptions {
  stdin: string;
  timeMs: number;
  outputBytes: number;
  signal?: AbortSignal;
}

export type ExecuteOptions = StartOptions & RunOptions;

export type KillReason = 'time' | 'output' | 'cancel';

export interface Outcome {
  exitCode: number | null;
  signal: string | null;
  timeMs: number;
  cpuTimeMs: number;
  memoryKb: number;
  stdout: Buffer;
  stderr: Buffer;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  killedFor: KillReason | null;
  /** Set when the helper could not start the program: an internal error, not the program's. */
  setupError: string | null;
  /** The helper killed every process of the uid after the program and the kernel confirmed none is left. */
  clean: boolean;
  /** The helper's OOM guard ended the run: the program lowered its oom_score_adj (see kiln-run.c). */
  violation: string | null;
}

// The first name of each number: SIGABRT, not its later alias SIGIOT.
const SIGNAL_NAMES = new Map<number, string>();
for (const [name, number] of Object.entries(constants.signals))
  if (!SIGNAL_NAMES.has(number)) SIGNAL_NAMES.set(number, name);

function helperArgs(options: StartOptions): string[] {
  const { rlimits } = options;
  const args = ['--uid', String(options.uid), '--gid', String(options.gid), '--dir', options.dir];
  args.push('--landlock', options.landlock ? '1' : '0');
  args.push('--nproc', String(rlimits.nproc), '--fsize', String(rlimits.fsizeBytes));
  args.push('--nofile', String(rlimits.nofile), '--cpu', String(rlimits.cpuSeconds));
  if (rlimits.addressSpaceBytes !== undefined) args.push('--as', String(rlimits.addressSpaceBytes));
  return [...args, '--', ...options.argv];
}

function withoutPartialUtf8(buffer: Buffer): Buffer {
  // Look back at most 3 bytes for the lead byte of the last sequence and check it is complete.
  for (let back = 1; back <= Math.min(4, buffer.length); back++) {
    const byte = buffer[buffer.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? buffer.subarray(0, buffer.length - back) : buffer;
  }
  return buffer;
}

class CappedBuffer {
  private readonly chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly cap: number) {}

  /** Returns false once the cap is passed; what fits is kept. */
  push(chunk: Buffer): boolean {
    if (this.truncated) return false;
    const room = this.cap - this.size;
    if (chunk.length > room) {
      this.chunks.push(chunk.subarray(0, room));
      this.size = this.cap;
      this.truncated = true;
      return false;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  /** What was kept; when cut at the cap, without a UTF-8 sequence the cut left incomplete. */
  get value(): Buffer {
    const all = Buffer.concat(this.chunks);
    return this.truncated ? withoutPartialUtf8(all) : all;
  }
}

function parseStats(text: string) {
  const field = (name: string) => Number(new RegExp(`${name}=(-?\\d+)`).exec(text)?.[1] ?? Number.NaN);
  return {
    status: field('status'),
    cpuUs: field('utime_us') + field('stime_us'),
    maxrssKb: field('maxrss_kb'),
    clean: field('clean') === 1,
  };
}

/** A program started under the helper and not yet released (a warm start waits at its go byte). */
export interface StartedProgram {
  /** The helper has already exited (a warm launcher that died while waiting cannot run anything). */
  readonly exited: boolean;
  /**
   * Resolves once the program is in its work dir and about to be exec'd (or the helper is gone): from then
   * on the agent may take the dir back for a moment, to add the source of a warm start.
   */
  readonly settled: Promise<void>;
  /** Release the program: its input goes in, its wall clock starts; resolves when it is over. Call once. */
  run(options: RunOptions): Promise<Outcome>;
  /** End a program that will never be released, and wait until the helper is gone. */
  discard(): Promise<void>;
}

export function execute(options: ExecuteOptions): Promise<Outcome> {
  return start(options).run(options);
}

export function start(options: StartOptions): StartedProgram {
  const child = spawn(options.runner, helperArgs(options), {
    cwd: '/',
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
  });
  let helperDone = false;
  const helperExit = new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('exit', (code) => resolve(code));
  }).finally(() => {
    helperDone = true;
  });
  let killedFor: KillReason | null = null;
  let killing: Promise<void> | undefined;
  // A kill can come before the program has even become the slot's uid, when there is nothing to find
  // yet: so the janitor is repeated until the helper is done, not run once.
  const kill = (reason: KillReason) => {
    killedFor ??= reason;
    killing ??= (async () => {
      do {
        await options.killAll();
        if (!helperDone) await sleep(20);
      } while (!helperDone);
    })();
  };
  let output: { stdout: CappedBuffer; stderr: CappedBuffer } | undefined;
  const early: Array<[Buffer, 'stdout' | 'stderr']> = [];
  const drained = (stream: Readable, onData: (chunk: Buffer) => void) =>
    new Promise<void>((resolve) => {
      stream.on('data', (chunk: Buffer | string) => onData(Buffer.from(chunk)));
      stream.on('close', () => resolve());
      stream.on('error', () => resolve());
    });
  // What a launcher prints before its release belongs to the run (it has no output cap of its own yet).
  const sink = (name: 'stdout' | 'stderr') => (chunk: Buffer) => {
    if (!output) early.push([chunk, name]);
    else if (!output[name].push(chunk)) kill('output');
  };
  const streams = Promise.all([
    drained(child.stdout!, sink('stdout')),
    drained(child.stderr!, sink('stderr')),
  ]);
  let stats = '';
  let onSettled = () => {};
  const settled = new Promise<void>((resolve) => {
    onSettled = resolve;
  });
  void helperExit.then(() => onSettled());
  // Only the helper holds fd 3 (the program's copy is closed on exec): it ends when the helper does.
  const statsRead = drained(child.stdio[3] as Readable, (chunk) => {
    stats += chunk.toString();
    if (/^exec$/m.test(stats)) onSettled();
  });
  child.stdin!.on('error', () => {}); // the program may exit without reading its input

  let released = false;
  return {
    get exited() {
      return helperDone;
    },
    settled,

    async run(run: RunOptions): Promise<Outcome> {
      if (released) throw new Error('a started program runs once');
      released = true;
      const started = process.hrtime.bigint();
      output = { stdout: new CappedBuffer(run.outputBytes), stderr: new CappedBuffer(run.outputBytes) };
      for (const [chunk, name] of early.splice(0)) sink(name)(chunk);
      child.stdin!.end(options.gated ? Buffer.concat([GO, Buffer.from(run.stdin)]) : run.stdin);

      const timer = setTimeout(() => kill('time'), run.timeMs);
      const onAbort = () => kill('cancel');
      run.signal?.addEventListener('abort', onAbort, { once: true });
      const exit = await helperExit;
      const timeMs = Number((process.hrtime.bigint() - started) / 1_000_000n);
      clearTimeout(timer);
      run.signal?.removeEventListener('abort', onAbort);
      await statsRead;
      const parsed = parseStats(stats);
      // The helper has killed whatever the program left. If it could not confirm that, a daemon may still hold
      // the pipes: the agent's own janitor takes over.
      if (!parsed.clean) killing ??= options.killAll();
      await killing;
      // Every writer is dead now, unless a pipe end was smuggled to another uid over a unix socket: bound the
      // wait.
      const closeTimer = setTimeout(() => {
        for (const stream of [child.stdout, child.stderr, child.stdio[3]]) stream?.destroy();
      }, 2000);
      await streams;
      clearTimeout(closeTimer);
      return outcomeOf(exit, stats, parsed, timeMs, killedFor, output);
    },

    async discard(): Promise<void> {
      released = true;
      child.stdin!.destroy();
      kill('cancel');
      await helperExit;
      await killing;
      for (const stream of [child.stdout, child.stderr, child.stdio[3]]) stream?.destroy();
    },
  };
}

const GO = Buffer.from([1]);

function outcomeOf(
  helperExit: number | null,
  stats: string,
  parsed: ReturnType<typeof parseStats>,
  timeMs: number,
  killedFor: KillReason | null,
  output: { stdout: CappedBuffer; stderr: CappedBuffer },
): Outcome {
  const { stdout, stderr } = output;
  const childSetupError = /^setup_error=(.*)$/m.exec(stats)?.[1];
  const setupError =
    helperExit !== 0 || !Number.isFinite(parsed.status)
      ? `sandbox helper failed (exit ${helperExit}): ${stderr.value.toString().trim().slice(0, 500)}`
      : childSetupError
        ? `sandbox setup failed: ${childSetupError}`
        : null;
  const exited = (parsed.status & 0x7f) === 0;
  return {
    exitCode: setupError ? null : exited ? (parsed.status >> 8) & 0xff : null,
    signal:
      setupError || exited ? null : (SIGNAL_NAMES.get(parsed.status & 0x7f) ?? `SIG${parsed.status & 0x7f}`),
    timeMs,
    cpuTimeMs: Math.round((parsed.cpuUs || 0) / 1000),
    memoryKb: parsed.maxrssKb || 0,
    stdout: stdout.value,
    stderr: stderr.value,
    stdoutTruncated: stdout.truncated,
    stderrTruncated: stderr.truncated,
    killedFor,
    setupError,
    clean: parsed.clean,
    violation: /^violation=(.*)$/m.exec(stats)?.[1] ?? null,
  };
}
