import { randomUUID } from 'node:crypto';
import type { AgentFrame } from '@kiln/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from './support/agent.js';
import type { TestClient } from './support/client.js';

const SLEEP_10S = 'import time\ntime.sleep(10)\n';

/** The first frame from index `from` on that matches, waiting for it to arrive. */
async function frameWhere(
  client: TestClient,
  from: number,
  match: (f: AgentFrame) => boolean,
): Promise<AgentFrame> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const found = client.frames.slice(from).find(match);
    if (found) return found;
    if (Date.now() > deadline)
      throw new Error(`no matching frame in ${JSON.stringify(client.frames.slice(from))}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function health(agent: TestAgent): Promise<{ healthy: boolean; busy: number; queued: number }> {
  const response = await fetch(`http://127.0.0.1:${agent.port}/healthz`);
  return response.json() as Promise<{ healthy: boolean; busy: number; queued: number }>;
}

async function untilBusy(agent: TestAgent, busy: number): Promise<void> {
  while ((await health(agent)).busy !== busy) await new Promise((resolve) => setTimeout(resolve, 10));
}

/**
 * A slot is busy a moment before its program has switched to the slot uid; give it that moment, so these tests
 * cancel a running program (the start-up race is limits.test.ts's "wall-clock limit of a few milliseconds").
 */
async function untilRunning(agent: TestAgent): Promise<void> {
  await untilBusy(agent, 1);
  await new Promise((resolve) => setTimeout(resolve, 300));
}

describe('python agent with one slot: the executor link', () => {
  let agent: TestAgent;
  const runsNormally = async () =>
    expect(await agent.client.run('print(6 * 7)')).toMatchObject({ status: 'ok', stdout: '42\n' });

  beforeAll(async () => {
    agent = await startTestAgent('python', { KILN_SLOTS: '1' });
  });
  afterAll(() => agent?.stop());

  it.each([
    ['a wrong token', () => agent.token.replace(/.$/, (last) => (last === 'x' ? 'y' : 'x'))],
    ['no token', () => null],
  ])('closes a link with %s (4401) before any hello', async (_name, token) => {
    const intruder = await agent.connect(token());
    await expect(intruder.hello()).rejects.toThrow('closed before hello: 4401');
    expect(intruder.frames).toEqual([]);
  });

  it('says hello with its language, version and slots', async () => {
    const hello = await agent.client.hello();
    expect(hello).toMatchObject({ type: 'hello', language: 'python', slots: 1 });
    expect(hello.version).toMatch(/^Python 3\.\d+/);
    expect(hello.agent).not.toBe('');
  });

  it('answers /healthz without the token', async () => {
    expect(await health(agent)).toEqual({ healthy: true, busy: 0, queued: 0, live: 1 });
    expect((await fetch(`http://127.0.0.1:${agent.port}/other`)).status).toBe(404);
  });

  it.each([
    ['a non-JSON frame', 'this is not json'],
    ['an unknown frame type', { type: 'launch', id: 'x1' }],
    ['a run frame without code', { type: 'run', id: 'x2', stdin: '', limits: {} }],
    [
      'a run frame with an unknown limit',
      { type: 'run', id: 'x3', code: '', stdin: '', limits: { gpus: 1 } },
    ],
  ])('answers %s with BAD_FRAME and keeps the link', async (_name, frame) => {
    const from = agent.client.frames.length;
    agent.client.send(frame);
    const error = await frameWhere(agent.client, from, (f) => f.type === 'error');
    expect(error).toMatchObject({ type: 'error', code: 'BAD_FRAME' });
    await runsNormally();
  });

  it('answers a binary frame with BAD_FRAME and keeps the link', async () => {
    const from = agent.client.frames.length;
    agent.client.ws.send(Buffer.from('{"type":"run"}'));
    expect(await frameWhere(agent.client, from, (f) => f.type === 'error')).toMatchObject({
      code: 'BAD_FRAME',
    });
    await runsNormally();
  });

  it('refuses a limit above the maximum with LIMIT_EXCEEDED for that id', async () => {
    const id = randomUUID();
    const ending = agent.client.ending(id);
    agent.client.send({ type: 'run', id, code: 'print(1)', stdin: '', limits: { timeMs: 999999 } });
    expect(await ending).toMatchObject({
      type: 'error',
      id,
      code: 'LIMIT_EXCEEDED',
      message: expect.stringMatching(/timeMs/),
    });
    await runsNormally();
  });

  it('refuses a second run with an id still in flight, and finishes the first', async () => {
    const id = randomUUID();
    const from = agent.client.frames.length;
    agent.client.send({
      type: 'run',
      id,
      code: 'import time\ntime.sleep(0.3)\nprint("first")',
      stdin: '',
      limits: {},
    });
    agent.client.send({ type: 'run', id, code: 'print("second")', stdin: '', limits: {} });
    const duplicate = await frameWhere(agent.client, from, (f) => f.type === 'error');
    expect(duplicate).toMatchObject({ id, code: 'DUPLICATE_ID' });
    const result = await frameWhere(agent.client, from, (f) => f.type === 'result');
    expect(result).toMatchObject({ id, status: 'ok', stdout: 'first\n' });
    await runsNormally();
  });

  it('cancels a running program promptly and frees its slot', async () => {
    const id = randomUUID();
    const ending = agent.client.ending(id);
    agent.client.send({ type: 'run', id, code: SLEEP_10S, stdin: '', limits: {} });
    await untilRunning(agent);
    const cancelled = Date.now();
    agent.client.send({ type: 'cancel', id });
    expect(await ending).toMatchObject({ type: 'error', id, code: 'CANCELLED' });
    expect(Date.now() - cancelled).toBeLessThan(2000);
    await runsNormally();
    expect(agent.client.frames.filter((f) => f.type === 'result' && f.id === id)).toEqual([]);
  });

  it('cancels a run still waiting for a slot promptly', async () => {
    const [running, waiting] = [randomUUID(), randomUUID()];
    const endings = [agent.client.ending(running), agent.client.ending(waiting)];
    agent.client.send({
      type: 'run',
      id: running,
      code: 'import time\ntime.sleep(5)\n',
      stdin: '',
      limits: {},
    });
    agent.client.send({ type: 'run', id: waiting, code: 'print("never")', stdin: '', limits: {} });
    await untilRunning(agent);
    const cancelled = Date.now();
    agent.client.send({ type: 'cancel', id: waiting });
    expect(await endings[1]).toMatchObject({ type: 'error', id: waiting, code: 'CANCELLED' });
    expect(Date.now() - cancelled).toBeLessThan(2000);
    agent.client.send({ type: 'cancel', id: running });
    expect(await endings[0]).toMatchObject({ type: 'error', id: running, code: 'CANCELLED' });
  });

  it('ignores a cancel for an id it does not know', async () => {
    const from = agent.client.frames.length;
    agent.client.send({ type: 'cancel', id: 'never-sent' });
    await runsNormally();
    expect(agent.client.frames.slice(from).filter((f) => f.type === 'error')).toEqual([]);
  });

  it('cancels the runs of a link that closes, freeing their slots', async () => {
    const other = await agent.connect();
    await other.hello();
    other.send({ type: 'run', id: randomUUID(), code: SLEEP_10S, stdin: '', limits: {} });
    await untilRunning(agent);
    const closed = Date.now();
    other.close();
    await runsNormally();
    expect(Date.now() - closed).toBeLessThan(3000);
  });
});
