import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Language } from '@kiln/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from './support/agent.js';

/**
 * A run behaves as the bare interpreter does: `python3 -I -S main.py < in` or `node main.js < in`, with
 * its output redirected. Each case runs both ways, through the agent (warm, the default) and bare (as an
 * unprivileged uid, in a directory of its own), and stdout, stderr and the exit status must be the same,
 * the directory's name aside.
 */

const BARE_UID = 70950; // clear of the agents' test uids
const INPUT = 'first line\nsecond line\n';

interface Case {
  name: string;
  code: string;
}

const cases: Record<'python' | 'javascript', Case[]> = {
  python: [
    { name: 'prints and reads its input', code: 'print("got", input())\nprint(input().upper())\n' },
    { name: 'an uncaught exception', code: 'def f():\n    raise ValueError("boom")\nprint("before")\nf()\n' },
    { name: 'sys.exit with a code', code: 'import sys\nprint("leaving")\nsys.exit(3)\n' },
    { name: 'SystemExit with a message', code: 'raise SystemExit("bye now")\n' },
    {
      name: 'KeyboardInterrupt, with atexit',
      code: 'import atexit\natexit.register(lambda: print("atexit ran"))\nprint("working")\nraise KeyboardInterrupt\n',
    },
    { name: 'os._exit loses buffered output', code: 'import os\nprint("never flushed")\nos._exit(5)\n' },
    {
      name: 'atexit handlers',
      code: 'import atexit\natexit.register(print, "bye from atexit")\nprint("main")\n',
    },
    { name: 'output without a final newline', code: 'import sys\nsys.stdout.write("no newline")\n' },
    { name: 'reads /dev/stdin by name', code: 'print(open("/dev/stdin").read().split())\n' },
    {
      name: 'writes /dev/stdout and /dev/stderr by name',
      code: 'open("/dev/stdout", "w").write("to stdout\\n")\nopen("/dev/stderr", "w").write("to stderr\\n")\n',
    },
    {
      name: 'opens /proc/self/fd/0 and /proc/self/fd/1',
      code: 'data = open("/proc/self/fd/0").readline()\nopen("/proc/self/fd/1", "w").write("read: " + data)\n',
    },
    {
      name: 'sees no terminal',
      code: 'import sys\nprint(sys.stdin.isatty(), sys.stdout.isatty(), sys.stderr.isatty())\n',
    },
    { name: 'input() at the end of its input', code: 'input()\ninput()\ninput()\n' },
    {
      name: 'dies of a signal',
      code: 'import os, signal\nprint("x", flush=True)\nos.kill(os.getpid(), signal.SIGTERM)\n',
    },
    {
      name: 'its own name, argv and path',
      code: 'import sys\nprint(__name__, __file__, sys.argv, sys.path[:1], sys.flags.isolated)\n',
    },
    {
      name: 'a traceback through nested frames and source lines',
      code: 'import sys\nsys.setrecursionlimit(60)\ndef down(n):\n    return down(n + 1)\ndown(0)\n',
    },
  ],
  javascript: [
    {
      name: 'prints and reads its input',
      code: "console.log('got', require('fs').readFileSync(0, 'utf8'))\n",
    },
    {
      name: 'an uncaught exception',
      code: "function f() { throw new Error('boom'); }\nconsole.log('before');\nf();\n",
    },
    { name: 'process.exit with a code', code: "console.log('leaving');\nprocess.exit(3);\n" },
    { name: 'process.exitCode', code: 'process.exitCode = 4;\n' },
    { name: 'an unhandled rejection', code: "Promise.reject(new Error('nobody caught me'));\n" },
    {
      name: 'reads /dev/stdin by name',
      code: "console.log(require('fs').readFileSync('/dev/stdin', 'utf8').split('\\n'))\n",
    },
    {
      name: 'writes /dev/stdout and /dev/stderr by name',
      code: "const fs = require('fs');\nfs.writeFileSync('/dev/stdout', 'to stdout\\n');\nfs.writeFileSync('/dev/stderr', 'to stderr\\n');\n",
    },
    {
      name: 'an exit handler',
      code: "process.on('exit', (code) => console.log('exiting with', code));\nconsole.log('main');\n",
    },
    {
      name: 'an ES module',
      code: "import { readFileSync } from 'node:fs';\nconsole.log('esm', readFileSync(0, 'utf8').length);\n",
    },
    { name: 'dies of a signal', code: "console.log('x');\nprocess.kill(process.pid, 'SIGTERM');\n" },
    {
      name: 'its own name and argv',
      code: 'console.log(require.main === module, __filename, process.argv.slice(1), process.execArgv)\n',
    },
    {
      name: 'sees no terminal',
      code: 'console.log(process.stdin.isTTY, process.stdout.isTTY, process.stderr.isTTY);\n',
    },
  ],
};

const commands: Record<'python' | 'javascript', { file: string; argv: string[] }> = {
  python: { file: 'main.py', argv: ['/usr/bin/python3', '-I', '-S', 'main.py'] },
  javascript: { file: 'main.js', argv: ['/usr/bin/node', '--max-old-space-size=128', 'main.js'] },
};

interface Ending {
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
}

/** A file of the bare run's uid, as a shell's redirection would make it for that user. */
function ownFile(path: string, content: string): number {
  writeFileSync(path, content, { mode: 0o600 });
  chownSync(path, BARE_UID, BARE_UID);
  return openSync(path, 'r+');
}

/** The program run bare, in `dir`, as an unprivileged uid: `main < in > out 2> err`. */
function bare(language: 'python' | 'javascript', dir: string, code: string): Ending {
  const { file, argv } = commands[language];
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { mode: 0o700 });
  chownSync(dir, BARE_UID, BARE_UID);
  closeSync(ownFile(join(dir, file), code));
  const streams = ['in', 'out', 'err'].map((name, i) => ownFile(`${dir}.${name}`, i === 0 ? INPUT : ''));
  try {
    const result = spawnSync(argv[0]!, argv.slice(1), {
      cwd: dir,
      uid: BARE_UID,
      gid: BARE_UID,
      env: { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: dir, TMPDIR: dir, LANG: 'C.UTF-8' },
      stdio: streams,
    });
    return {
      stdout: readFileSync(`${dir}.out`, 'utf8'),
      stderr: readFileSync(`${dir}.err`, 'utf8'),
      exitCode: result.status,
      signal: result.signal,
    };
  } finally {
    for (const fd of streams) closeSync(fd);
  }
}

describe.each(['python', 'javascript'] as const)(
  '%s: a run ends as the bare interpreter does',
  (language) => {
    let agent: TestAgent;
    let root: string;

    beforeAll(async () => {
      agent = await startTestAgent(language as Language, { KILN_SLOTS: '1' });
      root = mkdtempSync(join(tmpdir(), 'kiln-fidelity-'));
      chmodSync(root, 0o711);
    });
    afterAll(async () => {
      await agent?.stop();
      rmSync(root, { recursive: true, force: true });
    });

    it.each(cases[language].map((one) => [one.name, one] as const))('%s', async (_name, one) => {
      await agent.idle(); // the next run is a warm one
      const kiln = await agent.client.run(one.code, INPUT);
      const slotDir = join(agent.root, 'sandbox', 'slot-0');
      const bareDir = join(root, 'bare-dir');
      const expected = bare(language, bareDir, one.code);
      const same = (text: string, dir: string) => text.replaceAll(dir, '<dir>');
      expect({
        stdout: same(kiln.stdout, slotDir),
        stderr: same(kiln.stderr, slotDir),
        exitCode: kiln.exitCode,
        signal: kiln.signal,
      }).toEqual({
        stdout: same(expected.stdout, bareDir),
        stderr: same(expected.stderr, bareDir),
        exitCode: expected.exitCode,
        signal: expected.signal,
      });
    });
  },
);
