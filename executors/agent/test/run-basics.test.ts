import type { ExecutionResult, Language } from '@kiln/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from './support/agent.js';

interface Programs {
  /** Reads all of stdin at once and prints the count and sum of its numbers. */
  sumAll: string;
  /** Reads stdin line by line and prints each line in upper case. */
  upperLines: string;
  /** Prompts without a newline, then greets the name read from stdin. */
  prompt: string;
  /** Echoes a line of stdin followed by a non-ASCII literal of its own source. */
  unicode: string;
  /** Writes "out" to stdout and "err" to stderr. */
  twoStreams: string;
  exit3: string;
  /** Fails with an uncaught error whose message is "boom". */
  uncaught: string;
  /** How the runtime names that error on stderr. */
  uncaughtPattern: RegExp;
  /** Ends itself with abort(). */
  abort: string;
}

const programs: Record<Language, Programs> = {
  python: {
    sumAll:
      'import sys\nnumbers = [int(x) for x in sys.stdin.read().split()]\nprint(len(numbers), sum(numbers))\n',
    upperLines: 'import sys\nfor line in sys.stdin:\n    print(line.rstrip("\\n").upper())\n',
    prompt: 'name = input("Enter your name: ")\nprint(f"Hello, {name}!")\n',
    unicode: 'line = input()\nprint(line + " → 日本語")\n',
    twoStreams: 'import sys\nprint("out")\nprint("err", file=sys.stderr)\n',
    exit3: 'import sys\nsys.exit(3)\n',
    uncaught: 'raise ValueError("boom")\n',
    uncaughtPattern: /ValueError: boom/,
    abort: 'import os\nos.abort()\n',
  },
  javascript: {
    sumAll:
      "const numbers = require('fs').readFileSync(0, 'utf8').split(/\\s+/).filter(Boolean).map(Number);\n" +
      'console.log(numbers.length, numbers.reduce((a, b) => a + b, 0));\n',
    upperLines:
      "const rl = require('readline').createInterface({ input: process.stdin });\n" +
      "rl.on('line', (line) => console.log(line.toUpperCase()));\n",
    prompt:
      "process.stdout.write('Enter your name: ');\n" +
      "const name = require('fs').readFileSync(0, 'utf8').trim();\n" +
      "console.log('Hello, ' + name + '!');\n",
    unicode:
      "const line = require('fs').readFileSync(0, 'utf8').split('\\n')[0];\nconsole.log(line + ' → 日本語');\n",
    twoStreams: "console.log('out');\nconsole.error('err');\n",
    exit3: 'process.exit(3);\n',
    uncaught: "throw new Error('boom');\n",
    uncaughtPattern: /Error: boom/,
    abort: 'process.abort();\n',
  },
  cpp: {
    sumAll:
      '#include <iostream>\nint main() {\n  long long x, n = 0, sum = 0;\n  while (std::cin >> x) { n++; sum += x; }\n' +
      '  std::cout << n << " " << sum << "\\n";\n}\n',
    upperLines:
      '#include <cctype>\n#include <iostream>\n#include <string>\nint main() {\n  std::string line;\n' +
      '  while (std::getline(std::cin, line)) {\n    for (auto &c : line) c = std::toupper(c);\n' +
      '    std::cout << line << "\\n";\n  }\n}\n',
    prompt:
      '#include <iostream>\n#include <string>\nint main() {\n  std::cout << "Enter your name: ";\n' +
      '  std::string name;\n  std::getline(std::cin, name);\n  std::cout << "Hello, " << name << "!\\n";\n}\n',
    unicode:
      '#include <iostream>\n#include <string>\nint main() {\n  std::string line;\n  std::getline(std::cin, line);\n' +
      '  std::cout << line << " → 日本語\\n";\n}\n',
    twoStreams: '#include <iostream>\nint main() {\n  std::cout << "out\\n";\n  std::cerr << "err\\n";\n}\n',
    exit3: 'int main() { return 3; }\n',
    uncaught: '#include <stdexcept>\nint main() { throw std::runtime_error("boom"); }\n',
    uncaughtPattern: /std::runtime_error[\s\S]*boom/,
    abort: '#include <cstdlib>\nint main() { std::abort(); }\n',
  },
};

function expectOk(result: ExecutionResult, stdout: string): void {
  expect({
    status: result.status,
    stdout: result.stdout,
    stderr: result.stderr,
    exitCode: result.exitCode,
  }).toEqual({
    status: 'ok',
    stdout,
    stderr: '',
    exitCode: 0,
  });
  expect(result.memoryKb).toBeGreaterThan(0);
}

describe.each(Object.keys(programs) as Language[])('%s: running programs', (language) => {
  const program = programs[language];
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent(language);
  });
  afterAll(() => agent?.stop());

  it('says hello with its language, toolchain version and slots', async () => {
    const hello = await agent.client.hello();
    expect(hello).toMatchObject({ type: 'hello', language, slots: 2 });
    expect(hello.version.trim()).not.toBe('');
  });

  it('reads all of stdin at once', async () => {
    expectOk(await agent.client.run(program.sumAll, '1 2 3\n4 5\n'), '5 15\n');
  });

  it('reads a large stdin (1 MB) at once', async () => {
    expectOk(await agent.client.run(program.sumAll, '1\n'.repeat(500_000)), '500000 500000\n');
  });

  it('reads stdin line by line', async () => {
    expectOk(await agent.client.run(program.upperLines, 'ab\ncd\nlast'), 'AB\nCD\nLAST\n');
  });

  it('keeps a prompt printed without a newline', async () => {
    expectOk(await agent.client.run(program.prompt, 'Alice'), 'Enter your name: Hello, Alice!\n');
  });

  it('passes unicode through stdin, source and stdout', async () => {
    expectOk(
      await agent.client.run(program.unicode, 'héllo wörld ✓ 日本\n'),
      'héllo wörld ✓ 日本 → 日本語\n',
    );
  });

  it('keeps stdout and stderr apart', async () => {
    const result = await agent.client.run(program.twoStreams);
    expect(result).toMatchObject({ status: 'ok', stdout: 'out\n', stderr: 'err\n', exitCode: 0 });
  });

  it('finishes normally when the program leaves a large stdin unread', async () => {
    const result = await agent.client.run(program.twoStreams, 'x'.repeat(1024 * 1024));
    expect(result).toMatchObject({ status: 'ok', stdout: 'out\n', stderr: 'err\n' });
  });

  it('reports a non-zero exit code as a runtime error', async () => {
    const result = await agent.client.run(program.exit3);
    expect(result).toMatchObject({ status: 'runtime_error', exitCode: 3, signal: null, stdout: '' });
  });

  it('reports an uncaught error as a runtime error, with the error on stderr', async () => {
    const result = await agent.client.run(program.uncaught);
    expect(result.status).toBe('runtime_error');
    expect(result.stderr).toMatch(program.uncaughtPattern);
  });

  it('reports abort() as SIGABRT, not as its alias SIGIOT', async () => {
    const result = await agent.client.run(program.abort);
    expect(result).toMatchObject({ status: 'runtime_error', exitCode: null });
    expect(result.signal).toBe('SIGABRT');
  });
});
