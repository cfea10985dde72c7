import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, containersOf, docker, refreshBaseUrl, until } from './support/http.js';
import {
  containerOf,
  finishedBatch,
  finishedExecution,
  logLines,
  restoreStack,
  stackHealthy,
  stateOf,
  waitHealthy,
} from './support/stack.js';

/**
 * Faults injected into the running stack: the worker killed mid-batch, an executor killed or frozen mid-run,
 * Redis restarted with work queued, the gateway restarted. Each test puts the stack back (and afterEach does
 * it again should a test fail half-way), so the files after this one find it as compose.test.yaml made it.
 */

const FAULT_TIMEOUT_MS = 300_000;
const sleepy = (seconds: number, word: string) => `import time\ntime.sleep(${seconds})\nprint("${word}")`;
/** What each fault took, printed once at the end for the record (no assertion rests on these but the bounds). */
const timings: Record<string, number> = {};

beforeAll(async () => {
  // Files run one after another on one stack: the one before may have just restarted a container.
  await stackHealthy();
});

afterEach(async () => {
  await restoreStack();
  console.info('fault timings (ms):', JSON.stringify(timings));
});

/** Queue `count` python runs of `seconds` each without waiting, and find a replica that is running one. */
async function runsOnAReplica(count: number, seconds: number, tag: string) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const created = await api('POST', '/api/v1/executions?wait=false', {
      language: 'python',
      code: sleepy(seconds, `${tag}${i}`),
    });
    expect(created.status).toBe(202);
    ids.push(created.json.id);
  }
  // The replica running one of these runs, as its own log says ("run started" with the run's id): an idle
  // replica's warm slots show main.py in `docker top` too, so the process list cannot tell.
  const { victim, onVictim } = await until(async () => {
    for (const container of containersOf('executor-python')) {
      const started = ids.filter((id) => logLines(container, '"msg":"run started"', id) > 0);
      if (started.length > 0) return { victim: container, onVictim: started };
    }
    return undefined;
  });
  return { ids, victim, onVictim };
}

/** How many times the worker said it would retry this execution. */
const retriesOf = (id: string) => logLines(containerOf('worker'), '"msg":"execution will be retried"', id);

describe('an executor replica lost mid-run', () => {
  it('killed: its runs are retried on the other replica and all end ok', {
    timeout: FAULT_TIMEOUT_MS,
  }, async () => {
    // Four slots over two replicas: four three-second runs keep both busy.
    const { ids, victim, onVictim } = await runsOnAReplica(4, 3, 'killed');
    const killedAt = Date.now();
    docker('kill', victim);
    const finished = await Promise.all(ids.map((id) => finishedExecution(id, 120_000)));
    timings.executorKilledAllDone = Date.now() - killedAt;
    for (const [i, execution] of finished.entries())
      expect(execution.result).toMatchObject({ id: ids[i], status: 'ok', stdout: `killed${i}\n` });
    expect(stateOf(victim).status).not.toBe('running');
    // Each run the victim held was retried (once: the other replica took it), the others never.
    for (const id of ids) expect(retriesOf(id), id).toBe(onVictim.includes(id) ? 1 : 0);
    // Generous: detection is the closed socket (at once), then one retry backoff and a 3 s run.
    expect(timings.executorKilledAllDone).toBeLessThan(60_000);
    docker('start', victim);
    timings.executorKilledBackHealthy = await stackHealthy();
  });

  it('frozen (docker pause): the worker gives up on it and retries its runs elsewhere', {
    timeout: FAULT_TIMEOUT_MS,
  }, async () => {
    const { ids, victim, onVictim } = await runsOnAReplica(4, 3, 'frozen');
    const pausedAt = Date.now();
    docker('pause', victim);
    // A frozen replica never closes its socket: only the link's ping (or the run deadline) can notice.
    const finished = await Promise.all(ids.map((id) => finishedExecution(id, 120_000)));
    timings.executorFrozenAllDone = Date.now() - pausedAt;
    for (const [i, execution] of finished.entries())
      expect(execution.result).toMatchObject({ id: ids[i], status: 'ok', stdout: `frozen${i}\n` });
    // Every run ended while the replica was still frozen: they ran elsewhere. Within 30 s: the ping finds a
    // frozen link in 5-10 s, whereas the run deadline (timeMs + KILN_RUN_GRACE_MS) would take over 40 s.
    expect(stateOf(victim).status).toBe('paused');
    expect(timings.executorFrozenAllDone).toBeLessThan(30_000);
    for (const id of onVictim) expect(retriesOf(id), id).toBeGreaterThanOrEqual(1);
    // The gateway no longer counts it: the worker's presence names one live python replica.
    const languages = await api('GET', '/api/v1/languages');
    expect(languages.json.languages).toContainEqual(
      expect.objectContaining({ language: 'python', replicas: 1 }),
    );

    docker('unpause', victim);
    timings.executorFrozenBackHealthy = await stackHealthy();
    const again = await api('POST', '/api/v1/executions', { language: 'python', code: 'print("thawed")' });
    expect(again.json.result).toMatchObject({ status: 'ok', stdout: 'thawed\n' });
  });
});

/** Three tests of "a b" → a+b; every third item is off by one on a negative `a`, failing the last test. */
const SUM_TESTS = [
  { stdin: '1 2\n', expected: '3\n' },
  { stdin: '20 22\n', expected: '42\n' },
  { stdin: '-5 5\n', expected: '0\n' },
];
const SUBMISSIONS = 30;
const isWrong = (item: number) => item % 3 === 0;
const sumProgram = (item: number) =>
  `# item ${item}\nimport time\na, b = map(int, input().split())\ntime.sleep(0.3)\n` +
  `print(a + b${isWrong(item) ? ' + (a < 0)' : ''})`;

describe('the worker killed (SIGKILL) in the middle of a batch', () => {
  it('finishes every item exactly once after it restarts', { timeout: FAULT_TIMEOUT_MS }, async () => {
    const worker = containerOf('worker');
    const items = Array.from({ length: SUBMISSIONS }, (_, item) => ({
      id: `student-${item}`,
      language: 'python',
      code: sumProgram(item),
    }));
    const created = await api('POST', '/api/v1/batches', { tests: SUM_TESTS, submissions: items });
    expect(created.status).toBe(201);
    const id: string = created.json.id;

    // Mid-batch: some items graded, some running right now.
    const before = await until(async () => {
      const batch = await api('GET', `/api/v1/batches/${id}`);
      return batch.json.states.finished >= 5 && batch.json.states.running > 0 ? batch.json : undefined;
    });
    const killedAt = Date.now();
    docker('kill', '--signal', 'KILL', worker);
    const atKill = await api('GET', `/api/v1/batches/${id}`);
    expect(atKill.json.state).toBe('running');
    expect(atKill.json.states.finished).toBeLessThan(SUBMISSIONS);

    docker('start', worker);
    await waitHealthy(worker);
    const restartedAt = Date.now();
    // Jobs the dead worker held stay active until their lock (BullMQ's default, 30 s) expires and the new
    // worker's stalled-job check (every 30 s, and once at start) moves them back to wait.
    const batch = await finishedBatch(id, 240_000);
    timings.workerKilledRestart = restartedAt - killedAt;
    timings.workerKilledBatchDone = Date.now() - restartedAt;
    expect(timings.workerKilledBatchDone).toBeLessThan(180_000);
    console.info('batch at the kill:', JSON.stringify(before.states), 'after:', JSON.stringify(batch.states));

    const wrong = items.filter((_, item) => isWrong(item)).length;
    expect(batch).toMatchObject({
      total: SUBMISSIONS,
      states: { queued: 0, running: 0, finished: SUBMISSIONS },
      verdicts: { accepted: SUBMISSIONS - wrong, wrong_answer: wrong },
    });
    const counted = Object.values(batch.verdicts as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(counted).toBe(SUBMISSIONS);

    const results = await api('GET', `/api/v1/batches/${id}/results`);
    expect(results.json.results.map((row: { id: string }) => row.id)).toEqual(items.map((item) => item.id));
    for (const [item, row] of results.json.results.entries()) {
      expect(row, row.id).toMatchObject({
        state: 'finished',
        grade: { verdict: isWrong(item) ? 'wrong_answer' : 'accepted', passed: isWrong(item) ? 2 : 3 },
      });
      expect(row.grade.tests, row.id).toHaveLength(SUM_TESTS.length);
    }
    // The batch's parent ran once: one summary, one set of counts.
    expect(logLines(worker, `"batchId":"${id}"`, '"msg":"batch finished"')).toBe(1);
    // Per item, from the worker's own log: every item graded, and graded again only if it was running when
    // the worker died (its job went back to the queue); never more than twice. Counts derived from one row
    // per item could not show a duplicate; the log does.
    const gradedTimes = items.map((item) =>
      logLines(worker, '"msg":"submission graded"', `"submissionId":"${id}.${item.id}"`),
    );
    for (const [index, times] of gradedTimes.entries()) {
      expect(times, items[index]!.id).toBeGreaterThanOrEqual(1);
      expect(times, items[index]!.id).toBeLessThanOrEqual(2);
    }
    const regraded = gradedTimes.filter((times) => times === 2).length;
    expect(regraded).toBeLessThanOrEqual(atKill.json.states.running + before.states.running);
  });
});

/**
 * A correct answer to the sum problem that takes the compiler a few seconds (ranges over the precompiled
 * header): one per item. Not std::regex as well: two of those compiling at once on a 0.5-CPU executor
 * pass the compile's 30 s wall-clock backstop (see issue 11, compiles that starve).
 */
const slowCompile = (item: number) =>
  `// item ${item} ${Date.now()}\n#include <bits/stdc++.h>\nint main() {\n  long long a, b;\n  std::cin >> a >> b;\n` +
  `  auto twice = std::views::iota(0, 2) | std::views::transform([&](int i) { return i ? b : a; });\n` +
  `  std::map<int, std::vector<std::string>> unused;\n  long long sum = 0;\n  for (long long x : twice) sum += x;\n` +
  `  std::cout << sum << "\\n";\n}\n`;

describe('the worker killed while distinct C++ sources are compiling', () => {
  it('remembers none of the cut compiles: every item gets its true verdict, every source runs ok again', {
    timeout: FAULT_TIMEOUT_MS,
  }, async () => {
    const worker = containerOf('worker');
    const cpp = containerOf('executor-cpp');
    const items = Array.from({ length: 6 }, (_, item) => ({
      id: `c${item}`,
      language: 'cpp',
      code: slowCompile(item),
    }));
    const created = await api('POST', '/api/v1/batches', {
      tests: SUM_TESTS.slice(0, 2),
      submissions: items,
    });
    expect(created.status).toBe(201);
    const id: string = created.json.id;
    // Kill the worker while the compiler runs: the executor sees its link drop and cancels those compiles.
    await until(async () => (docker('top', cpp, '-eo', 'pid,args').includes('cc1plus') ? true : undefined));
    docker('kill', '--signal', 'KILL', worker);
    docker('start', worker);
    await waitHealthy(worker);
    const batch = await finishedBatch(id, 240_000);
    expect(batch).toMatchObject({ total: items.length, verdicts: { accepted: items.length } });
    for (const item of items) {
      const again = await api('POST', '/api/v1/executions', {
        language: 'cpp',
        code: item.code,
        stdin: '20 22\n',
      });
      expect(again.json.result, item.id).toMatchObject({ status: 'ok', stdout: '42\n' });
      expect(again.json.result.compile.status, item.id).toBe('ok');
    }
  });
});

const QUEUED = [
  { language: 'python', code: (n: number) => `print(${n} * 3)` },
  { language: 'javascript', code: (n: number) => `console.log(${n} * 3)` },
  {
    language: 'cpp',
    code: (n: number) => `#include <cstdio>\nint main() { std::printf("%d\\n", ${n} * 3); }`,
  },
];

describe('Redis killed (SIGKILL) while work waits in the queues', () => {
  it('keeps every queued execution and submission (append-only file)', {
    timeout: FAULT_TIMEOUT_MS,
  }, async () => {
    const worker = containerOf('worker');
    const redis = containerOf('redis');
    docker('stop', worker);
    const executions: Array<{ id: string; n: number }> = [];
    for (let n = 0; n < 12; n++) {
      const { language, code } = QUEUED[n % QUEUED.length]!;
      const created = await api('POST', '/api/v1/executions?wait=false', { language, code: code(n) });
      expect(created.status).toBe(202);
      executions.push({ id: created.json.id, n });
    }
    const submission = await api('POST', '/api/v1/submissions?wait=false', {
      language: 'python',
      code: sumProgram(1),
      tests: SUM_TESTS,
    });
    expect(submission.status).toBe(202);
    for (const { id } of executions)
      expect((await api('GET', `/api/v1/executions/${id}`)).json.state).toBe('queued');

    // Killed, not restarted: a graceful stop would save a snapshot, and only a crash proves the
    // append-only file keeps what was accepted.
    const restartedAt = Date.now();
    docker('kill', '--signal', 'KILL', redis);
    docker('start', redis);
    await waitHealthy(redis);
    timings.redisRestart = Date.now() - restartedAt;
    docker('start', worker);
    await waitHealthy(worker);
    for (const { id, n } of executions) {
      const execution = await finishedExecution(id, 120_000);
      expect(execution.result).toMatchObject({ id, status: 'ok', stdout: `${n * 3}\n` });
    }
    const graded = await until(async () => {
      const polled = await api('GET', `/api/v1/submissions/${submission.json.id}`).catch(() => undefined);
      return polled?.json?.state === 'finished' ? polled.json : undefined;
    }, 120_000);
    expect(graded.grade).toMatchObject({ verdict: 'accepted', passed: SUM_TESTS.length });
    timings.redisQueuedAllDone = Date.now() - restartedAt;
    timings.redisBackHealthy = await stackHealthy();
  });
});

describe('the gateway restarted', () => {
  it('still serves finished executions, submissions and batches by id', {
    timeout: FAULT_TIMEOUT_MS,
  }, async () => {
    const execution = await api('POST', '/api/v1/executions', { language: 'python', code: 'print("kept")' });
    expect(execution.json.result).toMatchObject({ status: 'ok', stdout: 'kept\n' });
    const submission = await api('POST', '/api/v1/submissions', {
      language: 'python',
      code: sumProgram(3),
      tests: SUM_TESTS,
    });
    expect(submission.json).toMatchObject({ state: 'finished', grade: { verdict: 'wrong_answer' } });
    const created = await api('POST', '/api/v1/batches', {
      tests: SUM_TESTS,
      submissions: [0, 1, 2].map((item) => ({
        id: `kept-${item}`,
        language: 'python',
        code: sumProgram(item),
      })),
    });
    expect(created.status).toBe(201);
    await finishedBatch(created.json.id, 120_000);
    const paths = [
      `/api/v1/executions/${execution.json.id}`,
      `/api/v1/submissions/${submission.json.id}`,
      `/api/v1/batches/${created.json.id}`,
      `/api/v1/batches/${created.json.id}/results`,
      `/api/v1/batches/${created.json.id}/results?format=csv`,
    ];
    const before = await Promise.all(paths.map((path) => api('GET', path)));
    for (const response of before) expect(response.status).toBe(200);
    expect(before[2]!.json).toMatchObject({ state: 'finished', verdicts: { accepted: 2, wrong_answer: 1 } });

    const restartedAt = Date.now();
    docker('restart', containerOf('gateway'));
    refreshBaseUrl();
    await until(async () =>
      (await api('GET', '/health').catch(() => undefined))?.status === 200 ? true : undefined,
    );
    timings.gatewayRestart = Date.now() - restartedAt;
    const after = await Promise.all(paths.map((path) => api('GET', path)));
    for (const [i, response] of after.entries()) {
      expect(response.status, paths[i]).toBe(200);
      expect(response.text, paths[i]).toBe(before[i]!.text);
    }
  });
});

describe('the stack stopped while a run is in flight', () => {
  it('lets the run finish: the worker, then the executor running it, each drain before they exit', {
    timeout: FAULT_TIMEOUT_MS,
  }, async () => {
    // docker stop without -t uses the container's StopTimeout, which compose sets from stop_grace_period:
    // the same grace `docker compose down` gives, in its order (the worker first, then the executors).
    const started = async (word: string) => {
      const created = await api('POST', '/api/v1/executions?wait=false', {
        language: 'python',
        code: sleepy(12, word),
        limits: { timeMs: 20_000 },
      });
      expect(created.status).toBe(202);
      const id: string = created.json.id;
      await until(async () => {
        const polled = await api('GET', `/api/v1/executions/${id}`);
        return polled.json.state === 'running' ? true : undefined;
      });
      return id;
    };

    const drainedByWorker = await started('worker-drained');
    const stoppedAt = Date.now();
    docker('stop', containerOf('worker'));
    timings.workerStop = Date.now() - stoppedAt;
    const afterWorker = await api('GET', `/api/v1/executions/${drainedByWorker}`);
    expect(afterWorker.json).toMatchObject({
      state: 'finished',
      result: { status: 'ok', stdout: 'worker-drained\n' },
    });
    docker('start', containerOf('worker'));
    await stackHealthy();

    const drainedByExecutor = await started('executor-drained');
    // The replica the run is on, as its own log says (an idle warm slot shows main.py too).
    const victim = await until(async () =>
      containersOf('executor-python').find((id) => logLines(id, 'run started', drainedByExecutor) > 0),
    );
    const executorStoppedAt = Date.now();
    docker('stop', victim);
    timings.executorStop = Date.now() - executorStoppedAt;
    const execution = await finishedExecution(drainedByExecutor, 60_000);
    expect(execution.result).toMatchObject({ status: 'ok', stdout: 'executor-drained\n' });
    // It finished on the replica that was stopping, which waited for it, and neither run was retried.
    expect(logLines(victim, 'run finished', drainedByExecutor)).toBe(1);
    expect(timings.executorStop).toBeGreaterThan(5_000);
    for (const id of [drainedByWorker, drainedByExecutor])
      expect(logLines(containerOf('worker'), 'retried', id)).toBe(0);
  });
});
