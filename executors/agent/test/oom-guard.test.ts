import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from './support/agent.js';

// Harmless on the host: the program only lowers its own OOM score and waits; no memory is taken.
const lowerThenWait = [
  'import time',
  'with open("/proc/self/oom_score_adj", "w") as adj:',
  '    adj.write("0")',
  'time.sleep(2)',
  'print("still here")',
].join('\n');

describe('Landlock', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent('python', { KILN_SLOTS: '1' });
  });
  afterAll(() => agent.stop());

  it('refuses the write that would lower the OOM score', async () => {
    const result = await agent.client.run(lowerThenWait);
    expect(result.status).toBe('runtime_error');
    expect(result.stderr).toContain(
      "PermissionError: [Errno 13] Permission denied: '/proc/self/oom_score_adj'",
    );
  });

  it('lets the program write its work dir, /tmp and /dev/null', async () => {
    const code = [
      'import os',
      'open("notes.txt", "w").write("x")',
      'path = f"/tmp/kiln-landlock-{os.getpid()}"',
      'open(path, "w").write("x")',
      'os.unlink(path)',
      'open("/dev/null", "w").write("x")',
      'print("wrote")',
    ].join('\n');
    expect(await agent.client.run(code)).toMatchObject({ status: 'ok', stdout: 'wrote\n' });
  });
});

describe('the OOM guard, where there is no Landlock', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent('python', { KILN_SLOTS: '1', KILN_LANDLOCK: 'false' });
  });
  afterAll(() => agent.stop());

  it('starts programs first in line for the OOM killer', async () => {
    const result = await agent.client.run('print(open("/proc/self/oom_score_adj").read().strip())');
    expect(result).toMatchObject({ status: 'ok', stdout: '1000\n' });
  });

  it('ends a run that lowers its OOM score, at once', async () => {
    const result = await agent.client.run(lowerThenWait);
    expect(result.status).toBe('runtime_error');
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('[kiln] run killed: the program lowered its OOM score');
    expect(result.timeMs).toBeLessThan(1000);
  });

  it('leaves the slot clean for the next run', async () => {
    const result = await agent.client.run('print("next")');
    expect(result).toMatchObject({ status: 'ok', stdout: 'next\n' });
  });
});
