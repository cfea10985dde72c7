import type { Language } from '@kiln/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAgent, type TestAgent } from './support/agent.js';

interface Programs {
  busyLoop: string;
  /** Sleeps three seconds without using the CPU. */
  sleep: string;
  /** Spins for about 300 ms of its own CPU time, then prints "done". */
  burn300: string;
  /** Prints 100 KB: "0123456789" 10240 times, no newline. */
  print100Kb: string;
  /** Prints 120 KB of "✓" (three bytes each in UTF-8), no newline. */
  printChecks: string;
  /** Keeps 10 MB blocks until it has 200 MB. */
  allocate200Mb: string;
}

const programs: Record<Language, Programs> = {
  python: {
    busyLoop: 'while True:\n    pass\n',
    sleep: 'import time\ntime.sleep(3)\n',
    burn300:
      'import time\nstart = time.process_time()\nwhile time.process_time() - start < 0.3:\n    pass\nprint("done")\n',
    print100Kb: 'import sys\nsys.stdout.write("0123456789" * 10240)\n',
    printChecks: 'import sys\nsys.stdout.write("✓" * 40960)\n',
    allocate200Mb:
      'blocks = []\nfor i in range(20):\n    blocks.append(bytearray(10 * 1024 * 1024))\nprint(len(blocks))\n',
  },
  javascript: {
    busyLoop: 'for (;;) {}\n',
    sleep: 'setTimeout(() => {}, 3000);\n',
    burn300:
      'const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };\n' +
      "const start = cpuMs();\nwhile (cpuMs() - start < 300) {}\nconsole.log('done');\n",
    print100Kb: "process.stdout.write('0123456789'.repeat(10240));\n",
    printChecks: "process.stdout.write('✓'.repeat(40960));\n",
    // The heap: V8's own cap (--max-old-space-size) is the limit here; Buffers are the container's to bound.
    allocate200Mb:
      'const blocks = [];\nfor (let i = 0; i < 20; i++) blocks.push(new Array(10 * 1024 * 128).fill(1.5));\n' +
      'console.log(blocks.length);\n',
  },
  cpp: {
    busyLoop: 'int main() {\n  volatile unsigned long n = 0;\n  for (;;) n++;\n}\n',
    sleep:
      '#include <chrono>\n#include <thread>\nint main() { std::this_thread::sleep_for(std::chrono::seconds(3)); }\n',
    burn300:
      '#include <ctime>\n#include <iostream>\nint main() {\n  std::clock_t start = std::clock();\n' +
      '  while (std::clock() - start < CLOCKS_PER_SEC * 3 / 10) {}\n  std::cout << "done\\n";\n}\n',
    print100Kb:
      '#include <iostream>\n#include <string>\nint main() {\n  std::string out;\n' +
      '  for (int i = 0; i < 10240; i++) out += "0123456789";\n  std::cout << out;\n}\n',
    printChecks:
      '#include <iostream>\n#include <string>\nint main() {\n  std::string out;\n' +
      '  for (int i = 0; i < 40960; i++) out += "✓";\n  std::cout << out;\n}\n',
    allocate200Mb:
      '#include <iostream>\n#include <vector>\nint main() {\n  std::vector<std::vector<char>> blocks;\n' +
      '  for (int i = 0; i < 20; i++) blocks.emplace_back(10 << 20, 1);\n  std::cout << blocks.size() << "\\n";\n}\n',
  },
};

describe.each(Object.keys(programs) as Language[])('%s: limits', (language) => {
  const program = programs[language];
  let agent: TestAgent;

  beforeAll(async () => {
    agent = await startTestAgent(language);
  });
  afterAll(() => agent?.stop());

  it('stops a busy loop at the time limit', async () => {
    const result = await agent.client.run(program.busyLoop, '', { timeMs: 1000, cpuTimeMs: 500 });
    expect(result.status).toBe('time_limit_exceeded');
    expect(result.timeMs).toBeLessThan(5000);
  });

  it('stops a sleeping program at the wall-clock limit', async () => {
    const result = await agent.client.run(program.sleep, '', { timeMs: 500 });
    expect(result.status).toBe('time_limit_exceeded');
    expect(result.timeMs).toBeGreaterThanOrEqual(500);
    expect(result.timeMs).toBeLessThan(3000);
  });

  it('stops a program at a wall-clock limit of a few milliseconds', async () => {
    // So short a timer can fire before the program has switched to its slot uid: the kill must still land.
    const results = [];
    for (const timeMs of [1, 2, 3, 5, 1, 2, 3, 5, 1, 2, 3, 5]) {
      results.push(await agent.client.run(program.sleep, '', { timeMs }));
    }
    expect(results.map((r) => r.status)).toEqual(Array(12).fill('time_limit_exceeded'));
    expect(Math.max(...results.map((r) => r.timeMs))).toBeLessThan(1000);
  });

  it('measures CPU time and memory', async () => {
    const result = await agent.client.run(program.burn300);
    expect(result).toMatchObject({ status: 'ok', stdout: 'done\n' });
    expect(result.cpuTimeMs).toBeGreaterThan(100);
    expect(result.cpuTimeMs).toBeLessThan(5000);
    expect(result.memoryKb).toBeGreaterThan(0);
  });

  it('holds a finished program to a CPU limit below one second', async () => {
    // RLIMIT_CPU counts whole seconds; the agent compares the measured time with the limit in milliseconds.
    const result = await agent.client.run(program.burn300, '', { cpuTimeMs: 100 });
    expect(result).toMatchObject({ status: 'time_limit_exceeded', stdout: 'done\n' });
    expect(result.cpuTimeMs).toBeGreaterThan(100);
  });

  it('cuts stdout at the output cap and keeps what came before it', async () => {
    const result = await agent.client.run(program.print100Kb, '', { outputKb: 4 });
    expect(result.status).toBe('output_limit_exceeded');
    expect(result.stdoutTruncated).toBe(true);
    expect(Buffer.byteLength(result.stdout)).toBe(4096);
    expect('0123456789'.repeat(10240).startsWith(result.stdout)).toBe(true);
  });

  it('cuts multi-byte output at the cap on a character boundary', async () => {
    // 4096 is not a multiple of 3: a byte cut would end in half a "✓", which decodes to U+FFFD.
    const result = await agent.client.run(program.printChecks, '', { outputKb: 4 });
    expect(result).toMatchObject({ status: 'output_limit_exceeded', stdoutTruncated: true });
    expect(result.stdout.length).toBe(1365);
    expect('✓'.repeat(40960).startsWith(result.stdout)).toBe(true);
  });

  it('reports allocating past the memory limit', async () => {
    const result = await agent.client.run(program.allocate200Mb, '', { memoryMb: 64 });
    expect(result.status).toBe('memory_limit_exceeded');
    expect(result.stdout).toBe('');
  });

  it('runs normally again after every limit was hit', async () => {
    const result = await agent.client.run(program.burn300, '', { timeMs: 5000 });
    expect(result).toMatchObject({ status: 'ok', stdout: 'done\n', exitCode: 0 });
  });
});
