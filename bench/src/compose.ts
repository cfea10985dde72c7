import { execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, where compose.yaml is. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** `docker compose -p <project> …` from the repository root, with this environment. */
export function composeCommand(project: string) {
  return (environment: NodeJS.ProcessEnv, ...args: string[]) =>
    execFileSync('docker', ['compose', '-p', project, ...args], {
      cwd: ROOT,
      env: environment,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
}
