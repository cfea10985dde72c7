import { once } from 'node:events';
import { type ExecutionJob, emptyResult, type Limits } from '@kiln/protocol';
import { freePort } from '@kiln/testing';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocketServer } from 'ws';
import { ExecutorFailedError } from '../src/errors.js';
import { ExecutorPool } from '../src/executors/pool.js';

// Two replicas behind one name, as Docker's DNS answers for a scaled service: two loopback addresses.
vi.mock('node:dns/promises', () => ({
  lookup: async () => [
    { address: '127.0.0.1', family: 4 },
    { address: '127.0.0.2', family: 4 },
  ],
}));

const limits: Limits = { timeMs: 1000, cpuTimeMs: 1000, memoryMb: 64, outputKb: 64 };
const job = (id: string): ExecutionJob => ({ id, language: 'python', code: '', stdin: '', limits });

/**
 * A fake agent with two slots: answers each run at once, except runs named `hold-*`, kept until released, and
 * `fail-*`, answered `internal_error` (the agent's sandbox could not run them).
 */
async function fakeAgent(host: string, port: number) {
  const server = new WebSocketServer({ host, port });
  const held: Array<() => void> = [];
  server.on('connection', (ws) => {
    ws.send(JSON.stringify({ type: 'hello', language: 'python', version: 'test', slots: 2, agent: 'test' }));
    ws.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id: string };
      if (frame.type !== 'run') return;
      const status = frame.id.startsWith('fail-') ? 'internal_error' : 'ok';
      const answer = () =>
        ws.send(JSON.stringify({ type: 'result', ...emptyResult(frame.id, 'python', status) }));
      if (frame.id.startsWith('hold-')) held.push(answer);
      else answer();
    });
  });
  await once(server, 'listening');
  return {
    held: () => held.length,
    release: () => {
      for (const answer of held.splice(0)) answer();
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('executor pool dispatch', () => {
  let port: number;
  let agents: Array<Awaited<ReturnType<typeof fakeAgent>>>;
  let pool: ExecutorPool;

  beforeAll(async () => {
    port = await freePort();
    agents = [await fakeAgent('127.0.0.1', port), await fakeAgent('127.0.0.2', port)];
    const ready = new Promise<void>((resolve) => {
      pool = new ExecutorPool('python', 'executor-python', port, 'token', pino({ level: 'silent' }), () => {
        if (pool.ready.length === 2) resolve();
      });
    });
    await pool.start(60_000);
    await ready;
  });

  afterAll(async () => {
    pool?.close();
    await Promise.all((agents ?? []).map((agent) => agent.close()));
  });

  it('says which replica ran the job', async () => {
    const { result, address } = await pool.dispatch(job('plain'), 1000, 1000);
    expect(result).toMatchObject({ id: 'plain', status: 'ok' });
    expect([`127.0.0.1:${port}`, `127.0.0.2:${port}`]).toContain(address);
  });

  it('uses the preferred replica while it has a free slot, then any other', async () => {
    const b = `127.0.0.2:${port}`;
    const runs = ['hold-1', 'hold-2', 'hold-3'].map((id) =>
      pool.dispatch(job(id), 1000, 5000, { prefer: b }),
    );
    expect(pool.free).toBe(1);
    while (agents.reduce((sum, agent) => sum + agent.held(), 0) < 3)
      await new Promise((r) => setTimeout(r, 5));
    for (const agent of agents) agent.release();
    const addresses = (await Promise.all(runs)).map((run) => run.address);
    expect(addresses).toEqual([b, b, `127.0.0.1:${port}`]);
    expect(pool.free).toBe(4);
  });

  it("throws the agent's internal_error as a fault to retry, and frees the slot", async () => {
    await expect(pool.dispatch(job('fail-1'), 1000, 1000)).rejects.toBeInstanceOf(ExecutorFailedError);
    expect(pool.free).toBe(4);
  });

  it('ignores a preferred replica it does not know', async () => {
    const { address } = await pool.dispatch(job('unknown'), 1000, 1000, { prefer: '10.9.9.9:1' });
    expect(address).toMatch(/^127\.0\.0\.[12]:/);
  });
});
