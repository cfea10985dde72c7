import {
  CLOSE_UNAUTHORIZED,
  type ExecutionJob,
  type ExecutionResult,
  type HelloFrame,
  parseAgentFrame,
} from '@kiln/protocol';
import type { Logger } from 'pino';
import WebSocket from 'ws';
import { ExecutorFailedError, ExecutorLostError, ExecutorRefusedError } from '../errors.js';

const PING_INTERVAL_MS = 5_000;
const MAX_BACKOFF_MS = 10_000;

interface Pending {
  resolve: (result: ExecutionResult) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One WebSocket link to one executor replica, shared by every run sent to it (ids tell runs apart). It
 * reconnects with backoff until closed; while down, its runs fail with ExecutorLostError so the job is
 * retried elsewhere. A replica that stops answering pings (crashed, frozen) is treated as gone.
 */
export class ExecutorLink {
  hello: HelloFrame | undefined;
  private ws: WebSocket | undefined;
  private readonly pending = new Map<string, Pending>();
  private attempts = 0;
  private closed = false;
  private pingTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    readonly address: string,
    private readonly token: string,
    private readonly log: Logger,
    /** 'links' when the link came up or went down, 'slots' when a run ended and freed a slot. */
    private readonly onChange: (what: 'links' | 'slots') => void,
  ) {
    this.connect();
  }

  get ready(): boolean {
    return this.hello !== undefined && this.ws?.readyState === WebSocket.OPEN;
  }

  get inFlight(): number {
    return this.pending.size;
  }

  get free(): number {
    return this.ready ? Math.max(0, (this.hello?.slots ?? 0) - this.pending.size) : 0;
  }

  private connect(): void {
    const ws = new WebSocket(`ws://${this.address}`, {
      headers: { authorization: `Bearer ${this.token}` },
      handshakeTimeout: 5_000,
      maxPayload: 64 * 1024 * 1024,
    });
    this.ws = ws;
    let alive = true;
    ws.on('pong', () => {
      alive = true;
    });
    ws.on('open', () => {
      this.pingTimer = setInterval(() => {
        if (!alive) return ws.terminate();
        alive = false;
        ws.ping();
      }, PING_INTERVAL_MS);
    });
    ws.on('message', (data) => this.receive(data.toString()));
    ws.on('error', (err) => this.log.warn({ address: this.address, err }, 'executor link error'));
    ws.on('close', (code) => {
      clearInterval(this.pingTimer);
      const wasReady = this.hello !== undefined;
      this.hello = undefined;
      this.failAll(code === CLOSE_UNAUTHORIZED ? 'executor token rejected' : `link closed (${code})`);
      if (wasReady) this.log.warn({ address: this.address, code }, 'executor link lost');
      if (code === CLOSE_UNAUTHORIZED)
        this.log.error({ address: this.address }, 'executor rejected our token');
      this.onChange('links');
      if (!this.closed) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const delay = Math.min(MAX_BACKOFF_MS, 250 * 2 ** this.attempts++) * (0.5 + Math.random() / 2);
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private receive(text: string): void {
    const parsed = parseAgentFrame(text);
    if (!parsed.ok) {
      this.log.error({ address: this.address, problem: parsed.message }, 'executor sent a bad frame');
      return;
    }
    const frame = parsed.value;
    if (frame.type === 'hello') {
      this.hello = frame;
      this.attempts = 0;
      this.log.info(
        { address: this.address, language: frame.language, version: frame.version, slots: frame.slots },
        'executor link ready',
      );
      this.onChange('links');
      return;
    }
    const pending = frame.id ? this.pending.get(frame.id) : undefined;
    if (!pending || !frame.id) {
      if (frame.type === 'error')
        this.log.warn({ address: this.address, code: frame.code }, 'executor error frame');
      return;
    }
    this.pending.delete(frame.id);
    clearTimeout(pending.timer);
    if (frame.type === 'result' && frame.status === 'internal_error') {
      pending.reject(new ExecutorFailedError(this.address, frame.id));
    } else if (frame.type === 'result') {
      const { type: _type, ...result } = frame;
      pending.resolve(result);
    } else {
      pending.reject(new ExecutorRefusedError(this.address, frame.code, frame.message));
    }
    this.onChange('slots');
  }

  /**
   * Send one run and wait for its result. `deadlineMs` bounds the wait: a replica that holds a run far past
   * its limits is stuck, and the run is failed as lost (and cancelled there, in case it ever wakes up).
   */
  run(job: ExecutionJob, deadlineMs: number): Promise<ExecutionResult> {
    const ws = this.ws;
    if (!ws || !this.ready) return Promise.reject(new ExecutorLostError(this.address, 'not connected'));
    return new Promise<ExecutionResult>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(job.id);
        if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'cancel', id: job.id }));
        reject(new ExecutorLostError(this.address, `no result within ${deadlineMs} ms`));
        this.onChange('slots');
      }, deadlineMs);
      this.pending.set(job.id, { resolve, reject, timer });
      ws.send(
        JSON.stringify({ type: 'run', id: job.id, code: job.code, stdin: job.stdin, limits: job.limits }),
      );
    });
  }

  private failAll(reason: string): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new ExecutorLostError(this.address, reason));
      this.pending.delete(id);
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.ws?.close(1001, 'worker shutting down');
    this.failAll('worker shutting down');
  }
}
