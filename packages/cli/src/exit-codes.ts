import type { BatchResults, ExecutionResult, Status } from '@kiln/api';

/**
 * How `kiln` ends. A program's own exit code passes through `kiln run` unchanged, so the codes Kiln adds follow
 * what shells already use where there is a convention (124 as GNU timeout, 128+N for a signal) and are small
 * otherwise. Any of them can also be a program's own exit code; the message on stderr tells them apart.
 */
export const EXIT = Object.freeze({
  ok: 0,
  /** Bad flags or arguments, an unknown language, an unreadable or malformed file or folder. */
  usage: 2,
  /** Kiln could not judge: an internal_error, or a batch item left unjudged. Trying again may help. */
  notJudged: 3,
  /** The API call failed: server unreachable, no answer in time, or an error answer (4xx/5xx). */
  apiFailure: 4,
});

/** `kiln run`: the code for each status that means the program did not run to its own end. */
const STATUS_EXIT_CODES: Readonly<Record<Exclude<Status, 'ok' | 'runtime_error'>, number>> = Object.freeze({
  /** GNU timeout's code. */
  time_limit_exceeded: 124,
  /** The shell's "found but cannot be executed": the program could not be built. */
  compile_error: 126,
  /** 128 + SIGKILL, what an out-of-memory kill looks like in a shell. */
  memory_limit_exceeded: 137,
  /** 128 + SIGXFSZ, the signal of a process that writes past its file size limit. */
  output_limit_exceeded: 153,
  internal_error: EXIT.notJudged,
});

/** Linux signal numbers (the programs run on Linux, whatever the client's own platform numbers them). */
const SIGNALS: Readonly<Record<string, number>> = Object.freeze({
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGILL: 4,
  SIGTRAP: 5,
  SIGABRT: 6,
  SIGBUS: 7,
  SIGFPE: 8,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
  SIGXCPU: 24,
  SIGXFSZ: 25,
  SIGSYS: 31,
});

/** The number of a signal given as "SIGSEGV" or, for one the executor could not name, "SIG11". */
export function signalNumber(signal: string): number | undefined {
  const numbered = /^SIG(\d+)$/.exec(signal)?.[1];
  const number = numbered === undefined ? SIGNALS[signal] : Number(numbered);
  return number !== undefined && number > 0 && number < 128 ? number : undefined;
}

/** `kiln run`'s exit code for a finished execution. */
export function runExitCode(result: ExecutionResult): number {
  if (result.status === 'ok') return result.exitCode ?? EXIT.ok;
  if (result.status !== 'runtime_error') return STATUS_EXIT_CODES[result.status];
  if (result.exitCode !== null && result.exitCode !== 0) return result.exitCode;
  const signal = result.signal === null ? undefined : signalNumber(result.signal);
  // A runtime error must never look like success, whatever detail the result lacks.
  return signal === undefined ? 1 : 128 + signal;
}

/** `kiln grade`: 0 when every item was judged (wrong answers included), else EXIT.notJudged. */
export function gradeExitCode(results: BatchResults): number {
  const unjudged = results.results.some(
    (item) => item.grade === undefined || item.grade.verdict === 'internal_error',
  );
  return unjudged ? EXIT.notJudged : EXIT.ok;
}
