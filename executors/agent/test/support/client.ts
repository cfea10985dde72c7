import { randomUUID } from 'node:crypto';
import type { AgentFrame, ExecutionResult, HelloFrame, LimitsRequest } from '@kiln/protocol';
import { parseAgentFrame } from '@kiln/protocol';
import WebSocket from 'ws';

/** A minimal executor-link client for tests: send run frames, await the frame that ends each run. */
export class TestClient {
  readonly frames: AgentFrame[] = [];
  private readonly waiters = new Map<string, (frame: AgentFrame) => void>();
  private helloFrame?: Promise<HelloFrame>;

  private constructor(readonly ws: WebSocket) {
    this.helloFrame = new Promise((resolve, reject) => {
      ws.once('close', (code, reason) => reject(new Error(`closed before hello: ${code} ${reason}`)));
      ws.on('message', (data) => {
        const parsed = parseAgentFrame(data.toString());
        if (!parsed.ok) throw new Error(`agent sent a bad frame: ${parsed.message}`);
        const frame = parsed.value;
        this.frames.push(frame);
        if (frame.type === 'hello') resolve(frame);
        else if ('id' in frame && frame.id) this.waiters.get(frame.id)?.(frame);
      });
    });
    this.helloFrame.catch(() => {});
  }

  static async connect(port: number, token: string | null): Promise<TestClient> {
    const headers = token === null ? {} : { authorization: `Bearer ${token}` };
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, { headers });
    // Listen before the link opens: hello can arrive in the same chunk as the upgrade response.
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  hello(): Promise<HelloFrame> {
    return this.helloFrame!;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The frame (result or error) that ends run `id`. */
  ending(id: string): Promise<AgentFrame> {
    return new Promise((resolve) => this.waiters.set(id, resolve));
  }

  async run(
    code: string,
    stdin = '',
    limits: LimitsRequest = {},
    id: string = randomUUID(),
  ): Promise<ExecutionResult> {
    const ending = this.ending(id);
    this.send({ type: 'run', id, code, stdin, limits });
    const frame = await ending;
    if (frame.type !== 'result') throw new Error(`run ${id} ended with ${JSON.stringify(frame)}`);
    const { type: _type, ...result } = frame;
    return result;
  }

  close(): void {
    this.ws.close();
  }
}
