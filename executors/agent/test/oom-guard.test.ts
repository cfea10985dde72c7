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

describe('the OOM guard', () => {
  let agent: TestAgent;
  beforeAll(async () => {
    agent = await startTestAgent('python', { KILN_SLOTS: '1' });
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
