import { readFile } from 'node:fs/promises';
import type { ExecutionResult } from '@kiln/api';
import type { Command } from '../args.js';
import { connect } from '../connect.js';
import { InputError, systemReason } from '../errors.js';
import { runExitCode } from '../exit-codes.js';
import type { Io } from '../io.js';

type RunCommand = Extract<Command, { kind: 'run' }>;

/** What kiln says on stderr, after the program's own stderr, when the program did not end on its own. */
export function runMessage(result: ExecutionResult): string | undefined {
  switch (result.status) {
    case 'ok':
      return undefined;
    case 'runtime_error':
      return result.signal === null ? undefined : `kiln: the program was killed by ${result.signal}`;
    case 'compile_error':
      return 'kiln: compile error';
    case 'time_limit_exceeded':
      return `kiln: time limit exceeded (ran ${result.timeMs} ms)`;
    case 'memory_limit_exceeded':
      return `kiln: memory limit exceeded (${Math.round(result.memoryKb / 1024)} MiB used)`;
    case 'output_limit_exceeded':
      return 'kiln: output limit exceeded; the output above is cut off';
    case 'internal_error':
      return 'kiln: Kiln failed to run the program (internal_error); trying again may help';
  }
}

/** `kiln run FILE`: the program's output copied through, its exit code (or the status's code) returned. */
export async function runFile(command: RunCommand, io: Io): Promise<number> {
  let code: string;
  try {
    code = await readFile(command.file, 'utf8');
  } catch (err) {
    throw new InputError(`Cannot read ${command.file}: ${systemReason(err)}`, { cause: err });
  }
  // A terminal on stdin means nobody piped input: do not sit waiting for the user to type an EOF.
  const stdin = io.stdin.isTTY ? undefined : await io.stdin.read();
  const result = await connect(command.server, io).run({
    language: command.language,
    code,
    ...(stdin === undefined || stdin === '' ? {} : { stdin }),
    ...(Object.keys(command.limits).length === 0 ? {} : { limits: command.limits }),
  });

  io.stdout.write(result.stdout);
  let stderr = result.stderr;
  if (result.compile && result.compile.status !== 'ok') stderr += result.compile.output;
  io.stderr.write(stderr);
  const notes: string[] = [];
  if ((result.stdoutTruncated || result.stderrTruncated) && result.status !== 'output_limit_exceeded') {
    notes.push('kiln: the output was cut off at the output limit');
  }
  const message = runMessage(result);
  if (message !== undefined) notes.push(message);
  // kiln's own lines start on a line of their own, even after output that does not end with one.
  if (notes.length > 0)
    io.stderr.write(`${stderr === '' || stderr.endsWith('\n') ? '' : '\n'}${notes.join('\n')}\n`);
  return runExitCode(result);
}
