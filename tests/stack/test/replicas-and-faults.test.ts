import { describe, expect, it } from 'vitest';
import { api, containersOf, docker, refreshBaseUrl, until } from './support/http.js';

const sleepy = (seconds: number, word: string) => `import time\ntime.sleep(${seconds})\nprint("${word}")`;
const runsFinished = (container: string) =>
  (docker('logs', container).match(/"msg":"run finished"/g) ?? []).length;

describe('executor replicas', () => {
  it('spreads work over both python replicas', async () => {
    const replicas = containersOf('executor-python');
    expect(replicas).toHaveLength(2);
    const before = replicas.map(runsFinished);
    // Four slots in all: eight half-second runs at once keep both replicas busy.
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        api('POST', '/api/v1/executions', { language: 'python', code: sleepy(0.5, `r${i}`) }),
      ),
    );
    for (const [i, response] of responses.entries()) {
      expect(response.json.result).toMatchObject({ status: 'ok', stdout: `r${i}\n` });
    }
    const after = replicas.map(runsFinished);
    for (const [i, count] of after.entries()) expect(count).toBeGreaterThan(before[i]!);
  });

  it('retries a run whose executor is killed mid-run, and returns the correct result', async () => {
    const created = await api('POST', '/api/v1/executions?wait=false', {
      language: 'python',
      code: sleepy(3, 'survivor'),
    });
    expect(created.status).toBe(202);
    // Find the replica running it (its python3 process), then kill that container outright.
    const victim = await until(async () =>
      containersOf('executor-python').find((id) => docker('top', id, '-eo', 'pid,args').includes('main.py')),
    );
    docker('kill', victim);
    const finished = await until(async () => {
      const polled = await api('GET', `/api/v1/executions/${created.json.id}`);
      return polled.json.state === 'finished' ? polled.json : undefined;
    }, 90_000);
    expect(finished.result).toMatchObject({ id: created.json.id, status: 'ok', stdout: 'survivor\n' });
    docker('start', victim);
  });
});

describe('gateway restart', () => {
  it('loses no finished result', async () => {
    const response = await api('POST', '/api/v1/executions', {
      language: 'cpp',
      code: '#include <cstdio>\nint main() { puts("kept"); }',
    });
    expect(response.json.result).toMatchObject({ status: 'ok', stdout: 'kept\n' });
    const [gateway] = containersOf('gateway');
    docker('restart', gateway!);
    refreshBaseUrl();
    const again = await until(async () => {
      const polled = await api('GET', `/api/v1/executions/${response.json.id}`).catch(() => undefined);
      return polled?.status === 200 ? polled.json : undefined;
    });
    expect(again).toEqual({ id: response.json.id, state: 'finished', result: response.json.result });
  });
});
