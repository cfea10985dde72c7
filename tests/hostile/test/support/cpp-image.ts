import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { summary } from './checks.js';
import { docker } from './docker.js';
import type { Executor } from './executor.js';
import { harnessProgram } from './programs.js';

/** The flags of executors/cpp/language.json's compile command: a PCH built with others is silently skipped. */
const COMPILE_FLAGS = ['-std=c++20', '-O2', '-fmax-errors=10', '-Winvalid-pch', '-I/opt/kiln/pch'];

/** The C++ image's own promises: bits/stdc++.h is precompiled and really used, and binaries are cached. */
export function cppImageChecks(current: () => Executor): void {
  it('really uses the precompiled bits/stdc++.h (g++ -H shows the .gch with "!")', async () => {
    // Harmless and short: a syntax-only compile of one include, as root through docker exec.
    const result = await docker(
      ['exec', '-i', current().container, 'g++', ...COMPILE_FLAGS, '-H', '-fsyntax-only', '-x', 'c++', '-'],
      { input: '#include <bits/stdc++.h>\nint main() {}\n' },
    );
    const output = `${result.stdout}${result.stderr}`;
    expect(result.code, output).toBe(0);
    // -H marks a usable precompiled header with "!", an unusable one with "x".
    expect(output.split('\n'), output.slice(0, 2000)).toContain('! /opt/kiln/pch/bits/stdc++.h.gch');
    expect(output).not.toMatch(/^x /m);
  });

  it('compiles a bits/stdc++.h hello world promptly, and the second time from the cache', async () => {
    const target = current();
    // A source no earlier test compiled, so the first compile is a real one.
    const code = `${harnessProgram('cpp', 'hello')}// ${randomBytes(8).toString('hex')}\n`;
    const first = await target.run(code, 'first\n');
    const second = await target.run(code, 'second\n');
    console.log(
      `[cpp] bits/stdc++.h hello world through the agent: first compile ${first.compile?.timeMs} ms ` +
        `(cached: ${first.compile?.cached}), second ${second.compile?.timeMs} ms (cached: ${second.compile?.cached})`,
    );
    expect(first.status, summary(first)).toBe('ok');
    expect(first.stdout).toBe('hello, first!\n');
    expect(first.compile).toMatchObject({ status: 'ok', cached: false });
    // With the PCH a bits/stdc++.h compile takes seconds at most, even on half a CPU; without it, far longer.
    expect(first.compile!.timeMs).toBeLessThan(10_000);
    expect(second.status, summary(second)).toBe('ok');
    expect(second.stdout).toBe('hello, second!\n');
    expect(second.compile).toMatchObject({ status: 'ok', cached: true });
    expect(second.compile!.timeMs).toBeLessThan(first.compile!.timeMs);
  });
}
