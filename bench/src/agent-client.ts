import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { ExecutionResult, LimitsRequest } from '@kiln/protocol';
import WebSocket from 'ws';

/** An agent in its own process (as in production), and a link to it. */
export class AgentProcess {
  private readonly pending = new Map<string, (result: ExecutionResult) => void>();
  private readonly child: ChildProcess;
  private readonly ws: WebSocket;

  private constructor(child: ChildProcess, ws: WebSocket) {
    this.child = child;
    this.ws = ws;
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: string };
      if (frame.type === 'result' && frame.id)
        this.pending.get(frame.id)?.(frame as unknown as ExecutionResult);
      else if (frame.type === 'error') throw new Error(`agent error frame: ${data.toString()}`);
    });
  }

  static async start(main: string, env: Record<string, string>, token: string): Promise<AgentProcess> {
    const child = spawn(process.execPath, [main], {
      env: { ...env, KILN_PORT: '0' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const port = await new Promise<number>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`agent exited with ${code}`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line) as { msg?: string; port?: number };
        if (entry.msg === 'executor agent ready' && entry.port) resolve(entry.port);
      });
    });
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { headers: { authorization: `Bearer ${token}` } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    return new AgentProcess(child, ws);
  }

  run(code: string, stdin: string, limits: LimitsRequest = {}): Promise<ExecutionResult> {
    const id = randomUUID();
    const result = new Promise<ExecutionResult>((resolve) => this.pending.set(id, resolve));
    this.ws.send(JSON.stringify({ type: 'run', id, code, stdin, limits }));
    return result.finally(() => this.pending.delete(id));
  }

  async stop(): Promise<void> {
    this.ws.close();
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    await exited;
  }
}

/**
 * A bare spawn: the baseline. Same minimal environment as the agent gives a program (an inherited one can
 * cost more: NODE_EXTRA_CA_CERTS alone adds ~20 ms to a Node start). Resolves once exited and read.
 */
export function bareRun(argv: readonly string[], stdin: string, cwd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const env = { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: cwd, TMPDIR: cwd, LANG: 'C.UTF-8' };
    const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${argv[0]} exited with ${code}`)),
    );
    child.stdin.end(stdin);
  });
}
