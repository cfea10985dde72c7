import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from './support/agent.js';

const hello = (greeting: string) =>
  `#include <iostream>\nint main() {\n  std::cout << "${greeting}\\n";\n  return 0;\n}\n`;

describe('cpp: compile stage and compile cache', () => {
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent('cpp');
  });
  afterAll(() => agent?.stop());

  it('reports a compile error with the diagnostics and never runs the program', async () => {
    const source =
      '#include <iostream>\nint main() {\n  std::cout << "never";\n  return undefined_name;\n}\n';
    const result = await agent.client.run(source);
    expect(result).toMatchObject({ status: 'compile_error', stdout: '', exitCode: null });
    expect(result.compile?.status).toBe('compile_error');
    expect(result.compile?.cached).toBe(false);
    expect(result.compile?.output).toMatch(/main\.cpp:4:\d+: error: .*undefined_name/);
  });

  it('caps the compiler diagnostics', async () => {
    // g++ echoes each offending line, so a few very long ones pass the compile stage's 16 KB output cap.
    const lines = Array.from(
      { length: 8 },
      (_, i) => `  int v${i} = missing_${i} + ${'1 + '.repeat(1500)}1;`,
    );
    const result = await agent.client.run(`int main() {\n${lines.join('\n')}\n}\n`);
    expect(result).toMatchObject({ status: 'compile_error', stdout: '' });
    expect(result.compile?.output).toMatch(/main\.cpp:2:\d+: error: .*missing_0/);
    expect(Buffer.byteLength(result.compile?.output ?? '')).toBeLessThanOrEqual(16 * 1024);
  });

  it('compiles a new source and reuses the binary for the same source', async () => {
    const source = hello(`cached ${Date.now()}`);
    const first = await agent.client.run(source);
    expect(first).toMatchObject({ status: 'ok', stdout: expect.stringMatching(/^cached \d+\n$/) });
    expect(first.compile).toMatchObject({ status: 'ok', cached: false });

    const second = await agent.client.run(source);
    expect(second).toMatchObject({ status: 'ok', stdout: first.stdout });
    expect(second.compile).toMatchObject({ status: 'ok', cached: true, output: '' });
    expect(second.memoryKb).toBeGreaterThan(0);
  });

  it('compiles the same source once when two slots get it at the same moment', async () => {
    const source = hello(`twins ${Date.now()}`);
    const twins = await Promise.all([agent.client.run(source), agent.client.run(source)]);
    expect(twins.map((r) => r.status)).toEqual(['ok', 'ok']);
    expect(twins.map((r) => r.compile?.cached).sort()).toEqual([false, true]);
  });

  it('compiles again when the source changed', async () => {
    const base = `changed ${Date.now()}`;
    const first = await agent.client.run(hello(base));
    const changed = await agent.client.run(hello(`${base}!`));
    expect(first.compile?.cached).toBe(false);
    expect(changed.compile?.cached).toBe(false);
    expect(changed).toMatchObject({ status: 'ok', stdout: `${base}!\n` });
  });

  it('remembers a compile error: the same broken source gets the same diagnostics without compiling', async () => {
    const source = `int main() { return nope_${Date.now()}; }\n`;
    const first = await agent.client.run(source);
    const second = await agent.client.run(source);
    expect(first.compile).toMatchObject({ status: 'compile_error', cached: false });
    expect(first.compile?.output).toMatch(/nope_\d+/);
    expect(second).toMatchObject({ status: 'compile_error', stdout: '' });
    expect(second.compile).toEqual({ ...first.compile, timeMs: 0, cached: true });
  });

  it('gives every run of a cached binary its own stdin and a clean work dir', async () => {
    const source =
      '#include <iostream>\n#include <string>\nint main() {\n  std::string s;\n  std::cin >> s;\n' +
      '  std::cout << s << s << "\\n";\n}\n';
    const results = [];
    for (const stdin of ['ab', 'cd', 'ef']) results.push(await agent.client.run(source, stdin));
    expect(results.map((r) => [r.status, r.stdout, r.compile?.cached])).toEqual([
      ['ok', 'abab\n', false],
      ['ok', 'cdcd\n', true],
      ['ok', 'efef\n', true],
    ]);
    await agent.idle();
    expect(readdirSync(join(agent.root, 'sandbox'))).toEqual([]);
  });
});

describe("cpp: only the compiler's own verdict is remembered", () => {
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent('cpp', { KILN_SLOTS: '2' });
  });
  afterAll(() => agent?.stop());

  /** A source that takes the compiler a second or more here (no precompiled header on the host). */
  const slow = () =>
    `#include <bits/stdc++.h>\n#include <regex>\n// ${Date.now()}-${Math.random()}\n` +
    'int main() { std::regex r("(a|b)*c"); std::cout << std::regex_match("abc", r) << "\\n"; }\n';
  const cancelled = async (
    client: Awaited<ReturnType<TestAgent['connect']>>,
    id: string,
    afterMs: number,
  ) => {
    const ending = client.ending(id);
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    client.send({ type: 'cancel', id });
    return ending;
  };

  it('forgets a compile whose link was lost: the same source, run again, compiles and runs', async () => {
    const source = slow();
    // A second link, like a worker that dies with a compile in flight: its runs are cancelled.
    const worker = await agent.connect();
    await worker.hello();
    worker.send({ type: 'run', id: 'lost-link', code: source, stdin: '', limits: {} });
    await new Promise((resolve) => setTimeout(resolve, 300));
    worker.ws.terminate();
    await agent.idle();
    const again = await agent.client.run(source);
    expect(again.status, JSON.stringify(again.compile)).toBe('ok');
    expect(again.stdout).toBe('1\n');
    expect(again.compile).toMatchObject({ status: 'ok', cached: false });
  });

  it('forgets a cancelled compile, and a run that waited on it compiles again instead of inheriting it', async () => {
    const source = slow();
    agent.client.send({ type: 'run', id: 'first', code: source, stdin: '', limits: {} });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The same source in the other slot waits for the first one's compile (single-flight)...
    const waiter = agent.client.run(source);
    // ...which is then cancelled part-way.
    expect(await cancelled(agent.client, 'first', 200)).toMatchObject({ type: 'error', code: 'CANCELLED' });
    const waited = await waiter;
    expect(waited.status, JSON.stringify(waited.compile)).toBe('ok');
    expect(waited.compile).toMatchObject({ status: 'ok', cached: false });
    // and the binary it made is the one cached now
    expect((await agent.client.run(source)).compile).toMatchObject({ status: 'ok', cached: true });
  });

  it('does not remember a compile that ran out of time either', async () => {
    // /dev/random never ends: the compile stage reads it until its memory or its time runs out, which is
    // never the source's verdict.
    const source = `#include </dev/random>\n// ${Date.now()}\n`;
    const first = await agent.client.run(source);
    expect(first.status).toBe('compile_error');
    expect(first.compile?.status).not.toBe('compile_error');
    const second = await agent.client.run(source);
    expect(second.compile?.cached).toBe(false);
  });
});
