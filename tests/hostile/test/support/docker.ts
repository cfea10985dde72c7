import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the docker CLI with an argv array (never a shell string); a non-zero exit is a result, not a throw. */
export async function docker(
  args: readonly string[],
  options: { input?: string } = {},
): Promise<CommandResult> {
  // A docker command that hangs must fail the test that ran it, not stall the whole suite.
  const child = execFileAsync('docker', [...args], {
    maxBuffer: 16 * 1024 * 1024,
    encoding: 'utf8',
    timeout: 60_000,
    killSignal: 'SIGKILL',
  });
  if (options.input !== undefined) {
    child.child.stdin?.end(options.input);
  }
  try {
    const { stdout, stderr } = await child;
    return { code: 0, stdout, stderr };
  } catch (err) {
    const failed = err as NodeJS.ErrnoException & {
      code?: number | string;
      stdout?: string;
      stderr?: string;
    };
    if (typeof failed.code !== 'number') throw err; // docker itself could not be started
    return { code: failed.code, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** Like `docker`, but a non-zero exit throws with docker's own message. */
export async function dockerOk(args: readonly string[]): Promise<string> {
  const result = await docker(args);
  if (result.code !== 0) {
    throw new Error(`docker ${args.join(' ')} failed (exit ${result.code}): ${result.stderr.trim()}`);
  }
  return result.stdout.trim();
}
