import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkCapacity } from '../src/capacity.js';
import { memoryLimitBytes, oomKills, perRunCgroups } from '../src/cgroup.js';
import { ConfigError } from '../src/config.js';

const MB = 1024 * 1024;

describe("the executor's cgroup, as the agent reads it", () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'kiln-cgroup-test-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('reads cgroup v1: the limit, "no limit" as a huge number, and the OOM kill counter', () => {
    mkdirSync(join(root, 'memory'));
    writeFileSync(join(root, 'memory/memory.limit_in_bytes'), `${768 * MB}\n`);
    writeFileSync(join(root, 'memory/memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 3\n');
    expect(memoryLimitBytes(root)).toBe(768 * MB);
    expect(oomKills(root)).toBe(3);
    writeFileSync(join(root, 'memory/memory.limit_in_bytes'), '9223372036854771712\n');
    expect(memoryLimitBytes(root)).toBeUndefined();
  });

  it('reads cgroup v2: the limit, "max", and the OOM kill counter', () => {
    writeFileSync(join(root, 'memory.max'), `${1280 * MB}\n`);
    writeFileSync(join(root, 'memory.events'), 'low 0\nhigh 0\nmax 4\noom 1\noom_kill 1\n');
    expect(memoryLimitBytes(root)).toBe(1280 * MB);
    expect(oomKills(root)).toBe(1);
    writeFileSync(join(root, 'memory.max'), 'max\n');
    expect(memoryLimitBytes(root)).toBeUndefined();
  });

  it('tells whether a memory cgroup per run could be made: v1 never, v2 only with the memory controller', () => {
    mkdirSync(join(root, 'memory'));
    expect(perRunCgroups(root)).toMatchObject({
      available: false,
      reason: expect.stringMatching(/^cgroup v1/),
    });
    writeFileSync(join(root, 'cgroup.controllers'), 'cpuset cpu io pids\n');
    expect(perRunCgroups(root)).toMatchObject({ available: false, reason: expect.stringMatching(/memory/) });
    writeFileSync(join(root, 'cgroup.controllers'), 'cpuset cpu io memory pids\n');
    expect(perRunCgroups(root)).toEqual({
      available: true,
      reason: 'cgroup v2, writable, with the memory controller',
    });
  });

  it('says nothing where there is no cgroup to read', () => {
    expect(memoryLimitBytes(join(root, 'none'))).toBeUndefined();
    expect(oomKills(join(root, 'none'))).toBeUndefined();
  });
});

describe('checkCapacity', () => {
  const base = { slots: 2, largestRunMb: 256, reserveMb: 256, writableDirs: [] };

  it("accepts an executor with room for every slot's largest run and the reserve", () => {
    expect(() => checkCapacity({ ...base, memoryLimit: 768 * MB })).not.toThrow();
    expect(() => checkCapacity({ ...base, memoryLimit: undefined })).not.toThrow();
  });

  it('refuses one without, naming the figures and the fix', () => {
    const refused = () => checkCapacity({ ...base, memoryLimit: 256 * MB });
    expect(refused).toThrow(ConfigError);
    expect(refused).toThrow(
      /256 MB\) is below 2 slots × 256 MB .* = 768 MB: raise KILN_EXECUTOR_MEMORY to 768m/,
    );
  });

  it("refuses a shared tmpfs smaller than every slot's largest run (/dev/shm is one)", () => {
    // The host's /dev/shm is a tmpfs; ask for more than it can hold.
    const refused = () =>
      checkCapacity({
        ...base,
        largestRunMb: 10_000_000,
        memoryLimit: undefined,
        writableDirs: ['/dev/shm'],
      });
    expect(refused).toThrow(/the tmpfs at \/dev\/shm holds \d+ MB, less than 2 slots × 10000000 MB/);
  });
});
