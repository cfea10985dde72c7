import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Finding and killing every process of a slot's uid by scanning /proc. A process-group or session kill is
 * not enough: `setsid` daemons and double forks leave both, but none of them can leave its uid.
 */

interface ProcessInfo {
  pid: number;
  uids: number[];
  zombie: boolean;
}

function readProcess(pid: number): ProcessInfo | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return undefined; // exited while we looked
  }
  const uidLine = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(status);
  const state = /^State:\s+(\S)/m.exec(status)?.[1];
  if (!uidLine) return undefined;
  return { pid, uids: uidLine.slice(1, 5).map(Number), zombie: state === 'Z' || state === 'X' };
}

/**
 * Live (non-zombie) processes with `uid` as real, effective, saved or file-system uid. The status file is
 * read rather than the owner of /proc/<pid>: a process that makes itself non-dumpable shows up as root there.
 */
export function processesOf(uid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const info = readProcess(pid);
    if (info && !info.zombie && info.uids.includes(uid)) pids.push(pid);
  }
  return pids;
}

function signal(pids: number[], sig: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch {} // already gone
  }
}

export class StuckProcessesError extends Error {
  constructor(
    readonly uid: number,
    readonly pids: number[],
  ) {
    super(`processes of uid ${uid} survived the janitor: ${pids.join(', ')}`);
    this.name = 'StuckProcessesError';
    Object.setPrototypeOf(this, StuckProcessesError.prototype);
  }
}

/**
 * Kill every process of `uid` until none is left. Each round stops everything first, so a fork bomb cannot
 * outrun the kill by forking between our scan and our signal, then kills what it stopped and what appeared
 * meanwhile. Zombies are not counted: they hold no resources but a pid, and their reaper (the runner or
 * the container's init) collects them.
 */
export async function killAllOf(uid: number, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let round = 0; ; round++) {
    const found = processesOf(uid);
    if (found.length === 0) return;
    if (Date.now() > deadline) throw new StuckProcessesError(uid, found);
    signal(found, 'SIGSTOP');
    signal([...new Set([...found, ...processesOf(uid)])], 'SIGKILL');
    // A killed process needs a moment to leave; back off a little more each round.
    await sleep(Math.min(1 + round, 20));
  }
}
