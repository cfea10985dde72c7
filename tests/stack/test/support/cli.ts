import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { baseUrl } from './http.js';

/** The built `kiln` command of the workspace package @kiln/cli (its `bin`), run with this Node. */
function kilnMain(): string {
  const manifest = createRequire(import.meta.url).resolve('@kiln/cli/package.json');
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { kiln: string } };
  const main = join(dirname(manifest), bin.kiln);
  // turbo builds it before the tests (`test` depends on `^build`); a direct vitest run may not have.
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`pnpm --filter @kiln/cli build\` first`);
  return main;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `kiln ARGS` against the stack's gateway (KILN_URL), `stdin` piped in, to its end. */
export function kiln(args: readonly string[], stdin = '', timeoutMs = 240_000): Promise<CliRun> {
  const child = spawn(process.execPath, [kilnMain(), ...args], {
    env: { ...process.env, KILN_URL: baseUrl(), KILN_API_KEY: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: timeoutMs,
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.end(stdin);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) =>
      resolve({
        code,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      }),
    );
  });
}
