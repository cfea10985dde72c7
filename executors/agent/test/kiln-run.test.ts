import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The sandbox helper on its own, as the agent calls it: argv in, one stats line on fd 3 out.
const helper = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/kiln-run');
const UID = 70900; // its own uid: clear of the agents' test uids and of real executors

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiln-run-test-'));
  chmodSync(dir, 0o777);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], stdin = '') {
  const result = spawnSync(helper, args, {
    input: stdin,
    stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
    encoding: 'utf8',
  });
  const stats = (result.output[3] as string | null) ?? '';
  const field = (name: string) => new RegExp(`(?:^|\\s)${name}=(\\S+)`).exec(stats)?.[1];
  return { ...result, stats, field };
}

const as = (...program: string[]) => [
  '--uid',
  String(UID),
  '--gid',
  String(UID),
  '--dir',
  dir,
  '--',
  ...program,
];

describe('kiln-run', () => {
  it('refuses to run a program as root, or without a uid', () => {
    for (const args of [
      ['--uid', '0', '--gid', '0', '--dir', '/', '--', '/bin/true'],
      ['--dir', '/', '--', '/bin/true'],
    ]) {
      const result = run(args);
      expect(result.status).toBe(125);
      expect(result.stderr).toContain('usage');
    }
  });

  it('runs the program as the uid, and reports its exit status, CPU time and peak memory', () => {
    const result = run(as('/bin/sh', '-c', 'id -u; exit 3'));
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(String(UID));
    expect(Number(result.field('status')) >> 8).toBe(3);
    expect(Number(result.field('memory_kb'))).toBeGreaterThan(0);
    expect(Number(result.field('cpu_us'))).toBeGreaterThanOrEqual(0);
    expect(result.field('clean')).toBe('1');
  });

  it('applies the rlimits it is given', () => {
    const result = run([
      '--uid',
      String(UID),
      '--gid',
      String(UID),
      '--dir',
      dir,
      '--nofile',
      '17',
      '--fsize',
      '4096',
      '--',
      '/bin/sh',
      '-c',
      'ulimit -n; ulimit -f; ulimit -c',
    ]);
    expect(result.stdout.split('\n').slice(0, 3)).toEqual(['17', '8', '0']);
  });

  it('reports a program that cannot start as a setup error, not as the program failing', () => {
    const result = run(as('/nonexistent/program'));
    expect(result.status).toBe(0);
    expect(result.stats).toMatch(/^setup_error=\/nonexistent\/program: No such file or directory$/m);
  });

  it('kills and reaps a daemon the program leaves behind before it reports', () => {
    const started = Date.now();
    const result = run(as('/bin/sh', '-c', '(setsid sleep 30 &) ; echo parent done'));
    expect(result.stdout).toContain('parent done');
    expect(result.field('clean')).toBe('1');
    expect(Date.now() - started).toBeLessThan(5000);
    expect(spawnSync('pgrep', ['-u', String(UID)]).status).toBe(1); // no process of the uid is left
  });

  it('starts the program with oom_score_adj 1000, and Landlock refuses lowering it', () => {
    const result = run(
      as('/bin/sh', '-c', 'cat /proc/self/oom_score_adj; echo 0 > /proc/self/oom_score_adj || echo refused'),
    );
    expect(result.stdout).toBe('1000\nrefused\n');
  });

  it('steps back itself to oom_score_adj 500, so that the kernel takes the program first, never the helper', () => {
    // The program's parent is the helper; it lowers its own value right after the fork.
    const result = run(
      as('/bin/sh', '-c', 'sleep 0.3; cat /proc/self/oom_score_adj /proc/$PPID/oom_score_adj'),
    );
    expect(result.stdout).toBe('1000\n500\n');
  });

  it('without Landlock, its OOM guard ends a program that lowers its score', () => {
    const started = Date.now();
    const args = ['--uid', String(UID), '--gid', String(UID), '--dir', dir, '--landlock', '0', '--'];
    const result = run([
      ...args,
      '/bin/sh',
      '-c',
      'echo 0 > /proc/self/oom_score_adj; sleep 5; echo survived',
    ]);
    expect(result.stats).toMatch(/^violation=oom_score_adj$/m);
    expect(result.stdout).not.toContain('survived');
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
