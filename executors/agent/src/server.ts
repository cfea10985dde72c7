import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type AgentFrame,
  CLOSE_UNAUTHORIZED,
  type ErrorFrame,
  LimitExceededError,
  parseWorkerFrame,
  type RunFrame,
} from '@kiln/protocol';
import type { Logger } from 'pino';
import { WebSocket, WebSocketServer } from 'ws';
import { DirtySlotError } from './janitor.js';
import type { Runner } from './runner.js';
import type { Slot, SlotPool } from './slots.js';

export const AGENT_VERSION = '0.1.0';
const PING_INTERVAL_MS = 15_000;

export interface AgentServerOptions {
  runner: Runner;
  pool: SlotPool;
  token: string;
  version: string;
  log: Logger;
  /** Called once when the last slot in service fails its baseline check: the executor cannot serve. */
  onDirty: (err: DirtySlotError) => void;
}

interface InFlight {
  controller: AbortController;
  done: Promise<void>;
}

/**
 * The agent's WebSocket server. Untrusted code shares this network namespace, so a link is accepted only
 * with the executor token. Many runs share one link, told apart by id; a bad frame gets an error frame.
 * `GET /healthz` answers without the token: 200 while every slot is clean, 503 once one is not.
 */
export class AgentServer {
  readonly http: Server;
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 * 1024 });
  private readonly inFlight = new Map<string, InFlight>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private healthy = true;
  private accepting = true;

  constructor(private readonly options: AgentServerOptions) {
    this.http = createServer((req, res) => {
      const ok = req.url === '/healthz' && this.healthy;
      res.writeHead(ok ? 200 : req.url === '/healthz' ? 503 : 404, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          healthy: this.healthy,
          busy: options.pool.busy,
          queued: options.pool.queued,
          live: options.pool.live,
        }),
      );
    });
    this.http.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    const heartbeat = setInterval(() => this.ping(), PING_INTERVAL_MS);
    heartbeat.unref();
    this.http.on('close', () => clearInterval(heartbeat));
  }

  get runs(): number {
    return this.inFlight.size;
  }

  private authorized(req: IncomingMessage): boolean {
    const header = req.headers.authorization ?? '';
    const given = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
    const expected = Buffer.from(this.options.token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (!this.accepting) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    const authorized = this.authorized(req);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      if (!authorized) {
        this.options.log.warn({ remote: req.socket.remoteAddress }, 'executor link refused: bad token');
        ws.close(CLOSE_UNAUTHORIZED, 'unauthorized');
        return;
      }
      this.link(ws);
    });
  }

  private link(ws: WebSocket): void {
    const { runner, pool, version, log } = this.options;
    const mine = new Set<string>();
    this.alive.set(ws, true);
    ws.on('pong', () => this.alive.set(ws, true));
    send(ws, { type: 'hello', language: runner.language, version, slots: pool.size, agent: AGENT_VERSION });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return send(ws, badFrame('frames are JSON text'));
      const parsed = parseWorkerFrame(data.toString());
      if (!parsed.ok) return send(ws, badFrame(parsed.message));
      const frame = parsed.value;
      if (frame.type === 'cancel') {
        this.inFlight.get(frame.id)?.controller.abort();
        return;
      }
      if (this.inFlight.has(frame.id)) {
        return send(ws, {
          type: 'error',
          id: frame.id,
          code: 'DUPLICATE_ID',
          message: `run ${frame.id} is already in flight`,
        });
      }
      if (!this.accepting || !this.healthy) {
        const code = this.healthy ? 'SHUTTING_DOWN' : 'UNHEALTHY';
        return send(ws, {
          type: 'error',
          id: frame.id,
          code,
          message: `executor is ${code === 'UNHEALTHY' ? 'unhealthy' : 'shutting down'}`,
        });
      }
      mine.add(frame.id);
      this.start(frame, (reply) => {
        mine.delete(frame.id);
        send(ws, reply);
      });
    });
    ws.on('close', () => {
      // The worker is gone and will run these elsewhere: free the slots now.
      for (const id of mine) this.inFlight.get(id)?.controller.abort();
      log.info({ runs: mine.size }, 'executor link closed');
    });
    ws.on('error', (err) => log.warn({ err }, 'executor link error'));
  }

  private start(frame: RunFrame, reply: (frame: AgentFrame) => void): void {
    const { runner, pool, log } = this.options;
    const controller = new AbortController();
    const work = async () => {
      let limits: ReturnType<Runner['limitsFor']>;
      try {
        limits = runner.limitsFor(frame);
      } catch (err) {
        if (err instanceof LimitExceededError)
          return reply({ type: 'error', id: frame.id, code: 'LIMIT_EXCEEDED', message: err.message });
        throw err;
      }
      const sizes = { codeBytes: Buffer.byteLength(frame.code), stdinBytes: Buffer.byteLength(frame.stdin) };
      const slot = await pool.acquire(controller.signal);
      if (!slot) {
        log.info({ runId: frame.id, ...sizes }, 'run cancelled before it started');
        return reply({ type: 'error', id: frame.id, code: 'CANCELLED', message: 'run cancelled' });
      }
      const started = Date.now();
      log.info({ runId: frame.id, slot: slot.index, ...sizes }, 'run started');
      let result: Awaited<ReturnType<Runner['run']>> | undefined;
      try {
        if (!controller.signal.aborted) result = await runner.run(frame, limits, slot, controller.signal);
      } catch (err) {
        log.error({ runId: frame.id, slot: slot.index, err }, 'run failed inside the agent');
      }
      // The result is final once the program is over: answer first, then clean the slot (which is handed to
      // the next run only when clean), so the caller never waits for the janitor.
      if (controller.signal.aborted) {
        log.info({ runId: frame.id, slot: slot.index, ...sizes }, 'run cancelled');
        reply({ type: 'error', id: frame.id, code: 'CANCELLED', message: 'run cancelled' });
      } else {
        const final = result ?? runner.internalError(frame.id);
        reply({ type: 'result', ...final });
        const { status, timeMs } = final;
        log.info(
          { runId: frame.id, slot: slot.index, status, timeMs, totalMs: Date.now() - started, ...sizes },
          'run finished',
        );
      }
      await this.cleanSlot(slot);
    };
    const done = work()
      .catch((err) => log.error({ runId: frame.id, err }, 'run crashed'))
      .finally(() => this.inFlight.delete(frame.id));
    this.inFlight.set(frame.id, { controller, done });
  }

  /**
   * A slot is handed out again only once clean. One that cannot be cleaned is retired on its own while the
   * others go on serving; the executor calls itself unhealthy (to be recreated) only when none is left.
   */
  private async cleanSlot(slot: Slot): Promise<void> {
    const { runner, pool, log } = this.options;
    try {
      await runner.janitor.clean(slot);
      if (this.accepting) runner.warm.start(slot);
      pool.release(slot);
    } catch (err) {
      pool.retire(slot);
      log.error({ slot: slot.index, live: pool.live, err }, 'slot is dirty after its sweep: retired');
      if (pool.live > 0) return;
      this.healthy = false;
      if (err instanceof DirtySlotError) this.options.onDirty(err);
    }
  }

  private ping(): void {
    // A link that did not answer the last ping within an interval is dead: drop it (its runs are cancelled).
    for (const ws of this.wss.clients) {
      if (this.alive.get(ws) === false) {
        ws.terminate();
        continue;
      }
      this.alive.set(ws, false);
      ws.ping();
    }
  }

  /** Stop taking runs, let the ones in flight finish within `graceMs`, cancel the rest, close every link. */
  async shutdown(graceMs: number): Promise<void> {
    this.accepting = false;
    const all = () => Promise.all([...this.inFlight.values()].map((run) => run.done));
    const timer = setTimeout(() => {
      for (const run of this.inFlight.values()) run.controller.abort();
    }, graceMs);
    await all();
    clearTimeout(timer);
    await this.options.runner.warm.stop(this.options.pool.all);
    for (const ws of this.wss.clients) ws.close(1001, 'executor shutting down');
    await new Promise<void>((resolve) => this.http.close(() => resolve()));
  }
}

function send(ws: WebSocket, frame: AgentFrame): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(frame));
}

function badFrame(message: string): ErrorFrame {
  return { type: 'error', code: 'BAD_FRAME', message };
}
