import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Language, Limits } from '@kiln/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config.js';
import type { LanguageSpec } from '../src/language.js';
import { runDefaults } from '../src/runner.js';
import { startTestAgent, TEST_UID_BASE, type TestAgent } from './support/agent.js';
import { processesOf } from './support/processes.js';

/**
 * The warm start follows the operator's defaults (KILN_DEFAULT_*, which the gateway fills requests with),
 * not the language table's: with other defaults than the table's, every run still finds its runtime
 * waiting. Warm or cold is told by the interpreter's pid: a warm run's was among the processes waiting
 * before it (kiln-run execs the interpreter).
 */

/** Prints the pid of its interpreter. */
const pidOf: Record<Exclude<Language, 'cpp'>, string> = {
  python: 'import os\nprint(os.getpid())\n',
  javascript: 'console.log(process.pid);\n',
};

/** The limits a run at the operator's defaults arrives with: the gateway sends every limit. */
const operatorDefaults: Limits = { timeMs: 8_000, cpuTimeMs: 3_000, memoryMb: 64, outputKb: 32 };

describe.each(Object.keys(pidOf) as Array<keyof typeof pidOf>)(
  '%s: warm start at the operator defaults',
  (language) => {
    const uid = TEST_UID_BASE[language];
    let agent: TestAgent;

    beforeAll(async () => {
      agent = await startTestAgent(language, {
        KILN_SLOTS: '1',
        KILN_DEFAULT_TIME_MS: String(operatorDefaults.timeMs),
        KILN_DEFAULT_CPU_TIME_MS: String(operatorDefaults.cpuTimeMs),
        KILN_DEFAULT_MEMORY_MB: String(operatorDefaults.memoryMb),
        KILN_DEFAULT_OUTPUT_KB: String(operatorDefaults.outputKb),
      });
    });
    afterAll(() => agent?.stop());

    /** Run after the slot's runtime is waiting; true when the run took it (warm). */
    async function ranWarm(limits: Partial<Limits>): Promise<boolean> {
      await agent.idle();
      await expect.poll(() => processesOf(uid).length).toBeGreaterThan(0);
      const waiting = new Set(processesOf(uid));
      const result = await agent.client.run(pidOf[language], '', limits);
      expect(result).toMatchObject({ status: 'ok', stderr: '' });
      return waiting.has(Number(result.stdout.trim()));
    }

    it('gives a warm run to a run at those defaults', async () => {
      expect(await ranWarm(operatorDefaults)).toBe(true);
      // A run asking only for the memory gets the rest from the same defaults.
      expect(await ranWarm({ memoryMb: 64 })).toBe(true);
    });

    it("starts a run at the language table's defaults cold", async () => {
      expect(await ranWarm({ timeMs: 10_000, cpuTimeMs: 5_000, memoryMb: 128, outputKb: 64 })).toBe(false);
      // and the next run at the operator's defaults is warm again
      expect(await ranWarm(operatorDefaults)).toBe(true);
    });
  },
);

describe('defaults above the language maximum', () => {
  const file = join(import.meta.dirname, '../../python/language.json');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as LanguageSpec;

  it('keep the agent from starting, naming each variable: every run at the defaults would be refused', () => {
    const configured = { timeMs: 40_000, cpuTimeMs: 5_000, memoryMb: 512, outputKb: 64 };
    expect(() => runDefaults(configured, spec)).toThrow(ConfigError);
    expect(() => runDefaults(configured, spec)).toThrow(
      'invalid configuration:\n' +
        '  - KILN_DEFAULT_TIME_MS (40000) is above the python maximum of 30000 (its language table): lower ' +
        'it, or raise the maximum in the executor image\n' +
        '  - KILN_DEFAULT_MEMORY_MB (512) is above the python maximum of 256 (its language table): lower ' +
        'it, or raise the maximum in the executor image',
    );
  });

  it('up to the maximum, are the defaults', () => {
    const atMaximum = { ...spec.limits.maximums };
    expect(runDefaults(atMaximum, spec)).toEqual(atMaximum);
  });
});
