import { readdirSync, readFileSync } from 'node:fs';

/** Live (non-zombie) processes with `uid` as real, effective, saved or file-system uid, from /proc. */
export function processesOf(uid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, 'latin1');
    } catch {
      continue; // exited while we looked
    }
    const uids = /^Uid:\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)/m.exec(status)?.slice(1, 5).map(Number) ?? [];
    const state = /^State:\s+(\S)/m.exec(status)?.[1];
    if (state !== 'Z' && state !== 'X' && uids.includes(uid)) pids.push(pid);
  }
  return pids;
}
