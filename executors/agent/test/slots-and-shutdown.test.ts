import { randomUUID } from 'node:crypto';
import type { Language } from '@kiln/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from './support/agent.js';
import type { TestClient } from './support/client.js';

/** Read one line, wait 100 ms (so runs overlap), print it reversed and its length. */
const reverseSlowly: Record<Language, string> = {
  python: 'import time\nline = input()\ntime.sleep(0.1)\nprint(line[::-1], len(line))\n',
  javascript:
    "const line = require('fs').readFileSync(0, 'utf8').trim();\n" +
    "setTimeout(() => console.log([...line].reverse().join(''), line.length), 100);\n",
  cpp:
    '#include <algorithm>\n#include <chrono>\n#include <iostream>\n#include <string>\n#include <thread>\n' +
    'int main() {\n  std::string line;\n  std::getline(std::cin, line);\n' +
    '  std::this_thread::sleep_for(std::chrono::milliseconds(100));\n  std::string r(line.rbegin(), line.rend());\n' +
    '  std::cout << r << " " << line.size() << "\\n";\n}\n',
};

async function untilBusy(agent: TestAgent, busy: number): Promise<void> {
  for (;;) {
    const response = await fetch(`http://127.0.0.1:${agent.port}/healthz`);
    if (((await response.json()) as { busy: number }).busy === busy) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function secondLink(agent: TestAgent): Promise<TestClient> {
  const client = await agent.connect();
  await client.hello();
  return client;
}

describe.each(Object.keys(reverseSlowly) as Language[])('%s agent with two slots', (language) => {
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent(language, { KILN_SLOTS: '2' });
  });
  afterAll(() => agent?.stop());

  it('gives each of many concurrent runs over one link its own output', async () => {
    const inputs = Array.from({ length: 6 }, (_, i) => `run-${i}-${randomUUID().slice(0, 8)}`);
    const results = await Promise.all(
      inputs.map((stdin) => agent.client.run(reverseSlowly[language], `${stdin}\n`)),
    );
    expect(results.map((r) => [r.status, r.stdout])).toEqual(
      inputs.map((stdin) => ['ok', `${[...stdin].reverse().join('')} ${stdin.length}\n`]),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(6);
  });
});

describe('python agent with one slot', () => {
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent('python', { KILN_SLOTS: '1' });
  });
  afterAll(() => agent?.stop());

  it('makes a run wait for the free slot', async () => {
    const code = 'import time\ntime.sleep(0.3)\nprint("slept")\n';
    const started = Date.now();
    const results = await Promise.all([agent.client.run(code), agent.client.run(code)]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(600);
    expect(results.map((r) => [r.status, r.stdout])).toEqual([
      ['ok', 'slept\n'],
      ['ok', 'slept\n'],
    ]);
  });
});

describe('python agent shutting down', () => {
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent('python');
  });
  afterAll(() => agent?.stop());

  it('lets a run in flight finish, refuses new runs and links, then closes its links', async () => {
    const link = await secondLink(agent);
    const closed = new Promise<number>((resolve) => link.ws.once('close', (code) => resolve(code)));
    const id = randomUUID();
    const ending = link.ending(id);
    link.send({
      type: 'run',
      id,
      code: 'import time\ntime.sleep(0.5)\nprint("finished")\n',
      stdin: '',
      limits: {},
    });
    await untilBusy(agent, 1);

    const stopping = agent.stop(5000);
    const late = randomUUID();
    const refused = link.ending(late);
    link.send({ type: 'run', id: late, code: 'print(1)', stdin: '', limits: {} });
    expect(await refused).toMatchObject({ type: 'error', id: late, code: 'SHUTTING_DOWN' });
    await expect(agent.connect()).rejects.toThrow(/503/);

    expect(await ending).toMatchObject({ type: 'result', id, status: 'ok', stdout: 'finished\n' });
    await stopping;
    expect(await closed).toBe(1001);
  });
});

describe('python agent shutting down with a short grace', () => {
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent('python');
  });
  afterAll(() => agent?.stop());

  it('cancels the runs still going when the grace ends', async () => {
    const link = await secondLink(agent);
    const id = randomUUID();
    const ending = link.ending(id);
    link.send({ type: 'run', id, code: 'import time\ntime.sleep(10)\n', stdin: '', limits: {} });
    await untilBusy(agent, 1);
    // Let the program switch to its slot uid first: this is about the grace, not about a kill at start-up.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = Date.now();
    await agent.stop(300);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await ending).toMatchObject({ type: 'error', id, code: 'CANCELLED' });
  });
});
