import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { SweepReport } from './program.js';

export interface SweepOptions {
  helper: string;
  uid: number;
  gid: number;
  dir: string;
  scratchDirs: readonly string[];
}

/**
 * A sweep of a slot on its own (`kiln-run --sweep-only`): every process of the uid killed, its work dir,
 * its scratch entries and its SysV IPC removed, the baseline checked. For slots whose helper did not sweep:
 * at start-up (what a previous agent left), after a failed compile, after a helper that died.
 */
export function sweepSlot(options: SweepOptions): Promise<SweepReport> {
  const args = [
    '--sweep-only',
    '--uid',
    String(options.uid),
    '--gid',
    String(options.gid),
    '--dir',
    options.dir,
  ];
  for (const dir of options.scratchDirs) args.push('--scratch', dir);
  const child = spawn(options.helper, args, {
    cwd: '/',
    env: {},
    stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
  });
  let report = '';
  let stderr = '';
  (child.stdio[3] as Readable).on('data', (chunk: Buffer) => {
    report += chunk.toString('latin1');
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('latin1').slice(0, 500);
  });
  return new Promise((resolve) => {
    child.on('error', (err) => resolve({ clean: false, problems: `sweep could not start: ${err.message}` }));
    child.on('close', (code) => {
      const line = /^swept=.*$/m.exec(report)?.[0] ?? '';
      if (line === 'swept=1') resolve({ clean: true });
      else
        resolve({
          clean: false,
          problems:
            line.replace(/^swept=0 problems=/, '').slice(0, 500) || `sweep exited ${code}: ${stderr.trim()}`,
        });
    });
  });
}
