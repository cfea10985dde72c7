import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecutionResult } from '@kiln/api';
import { describe, expect, it } from 'vitest';
import { version } from '../src/cli.js';
import { RUN_USAGE } from '../src/usage.js';
import { json, kiln, withTempDir } from './support.js';

const tempDir = withTempDir();

function finishedExecution(fields: Partial<ExecutionResult>) {
  const result: ExecutionResult = {
    id: 'e-1',
    language: 'python',
    status: 'ok',
    exitCode: 0,
    signal: null,
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    timeMs: 12,
    cpuTimeMs: 10,
    memoryKb: 8192,
    ...fields,
  };
  return json({ id: 'e-1', state: 'finished', result });
}

describe('kiln run', () => {
  it("sends the file and stdin, copies the program's output and exits with its code", async () => {
    await writeFile(join(tempDir(), 'main.py'), 'print(input())\n');
    const answer = finishedExecution({
      status: 'runtime_error',
      exitCode: 3,
      stdout: 'Alice\n',
      stderr: 'oops',
    });
    const run = await kiln(['run', '--time-ms', '500', join(tempDir(), 'main.py')], () => answer, {
      stdin: 'Alice\n',
      env: { KILN_API_KEY: 'secret' },
    });
    expect(run).toMatchObject({ code: 3, stdout: 'Alice\n', stderr: 'oops' });
    expect(run.calls).toHaveLength(1);
    expect(run.calls[0]).toMatchObject({
      method: 'POST',
      path: '/api/v1/executions?wait=true',
      body: { language: 'python', code: 'print(input())\n', stdin: 'Alice\n', limits: { timeMs: 500 } },
    });
    expect(run.calls[0]?.headers.get('authorization')).toBe('Bearer secret');
  });

  it('does not read stdin from a terminal', async () => {
    await writeFile(join(tempDir(), 'a.js'), 'console.log(1)');
    const run = await kiln(['run', join(tempDir(), 'a.js')], () => finishedExecution({ stdout: '1\n' }));
    expect(run).toMatchObject({ code: 0, stdout: '1\n', stderr: '', stdinRead: false });
    expect(run.calls[0]?.body).toEqual({ language: 'javascript', code: 'console.log(1)' });
  });

  it('exits with the code of the status and says why on stderr, on a line of its own', async () => {
    await writeFile(join(tempDir(), 'a.cpp'), 'int main() { for (;;); }');
    const slow = await kiln(['run', join(tempDir(), 'a.cpp')], () =>
      finishedExecution({
        status: 'time_limit_exceeded',
        exitCode: null,
        signal: 'SIGKILL',
        stderr: 'partial',
        timeMs: 2003,
      }),
    );
    expect(slow).toMatchObject({ code: 124, stderr: 'partial\nkiln: time limit exceeded (ran 2003 ms)\n' });

    const broken = await kiln(['run', join(tempDir(), 'a.cpp')], () =>
      finishedExecution({
        status: 'compile_error',
        exitCode: null,
        compile: {
          status: 'compile_error',
          output: "a.cpp:1:1: error: expected ';'\n",
          timeMs: 400,
          cached: false,
        },
      }),
    );
    expect(broken).toMatchObject({
      code: 126,
      stdout: '',
      stderr: "a.cpp:1:1: error: expected ';'\nkiln: compile error\n",
    });

    const crashed = await kiln(['run', join(tempDir(), 'a.cpp')], () =>
      finishedExecution({ status: 'runtime_error', exitCode: null, signal: 'SIGSEGV' }),
    );
    expect(crashed).toMatchObject({ code: 139, stderr: 'kiln: the program was killed by SIGSEGV\n' });
  });

  it('exits 4 with the server’s reason when the API refuses or cannot be reached', async () => {
    await writeFile(join(tempDir(), 'a.py'), '');
    const full = await kiln(['run', join(tempDir(), 'a.py')], () =>
      json({ error: { code: 'QUEUE_FULL', message: 'Too many python executions are waiting' } }, 429, {
        'retry-after': '5',
      }),
    );
    expect(full).toMatchObject({
      code: 4,
      stdout: '',
      stderr:
        'kiln: the server refused: Too many python executions are waiting [429 QUEUE_FULL] (retry in 5 s)\n',
    });
    const down = await kiln(['run', join(tempDir(), 'a.py')], () => {
      throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:5000') });
    });
    expect(down).toMatchObject({
      code: 4,
      stderr: 'kiln: POST /api/v1/executions failed: fetch failed: connect ECONNREFUSED 127.0.0.1:5000\n',
    });
  });

  it('exits 2 for a usage mistake or an unreadable file, before calling the server', async () => {
    const usage = await kiln(['run'], () => expect.fail('no call expected'));
    expect(usage).toMatchObject({
      code: 2,
      stdout: '',
      stderr: `kiln: Missing the program file\n\n${RUN_USAGE}`,
    });
    const missing = join(tempDir(), 'missing.py');
    const unreadable = await kiln(['run', missing], () => expect.fail('no call expected'));
    expect(unreadable).toMatchObject({
      code: 2,
      stderr: `kiln: Cannot read ${missing}: no such file or directory\n`,
    });
  });
});

describe('kiln --version and --help', () => {
  it('print to stdout and exit 0', async () => {
    expect(version()).toBe('0.1.0');
    expect(await kiln(['--version'], () => expect.fail('no call'))).toMatchObject({
      code: 0,
      stdout: 'kiln 0.1.0\n',
    });
    expect(await kiln(['run', '--help'], () => expect.fail('no call'))).toMatchObject({
      code: 0,
      stdout: RUN_USAGE,
    });
  });
});
