import { closeSync, constants, fchownSync, lchownSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writing a slot's work dir before its program runs, and taking it back for a moment between stages. In a
 * container the agent is root *without* CAP_DAC_OVERRIDE: it writes the dir while it owns it, then gives it
 * to the slot's uid (CAP_CHOWN). Removing what a run left is the helper's sweep (native/sweep.c, tree.c).
 */

/**
 * A fresh 0700 work dir holding the given files, created and written by root and handed to the slot's uid
 * only when complete. O_EXCL|O_NOFOLLOW: a leftover or planted entry makes this fail instead of being
 * written through.
 */
export function createWorkDir(path: string, uid: number, gid: number, files: Record<string, string>): void {
  mkdirSync(path, { mode: 0o700 });
  for (const [name, content] of Object.entries(files)) writeWorkFile(path, uid, gid, name, content);
  lchownSync(path, uid, gid);
}

/**
 * Run `action` while root owns the work dir, as when a compiled binary is copied in or out: root has no
 * CAP_DAC_OVERRIDE to enter the uid's 0700 dir.
 */
export function withDirTaken<T>(path: string, uid: number, gid: number, action: () => T): T {
  lchownSync(path, 0, 0);
  try {
    return action();
  } finally {
    lchownSync(path, uid, gid);
  }
}

/** A new file in a work dir that root holds at the moment, written by root and then given to the uid. */
function writeWorkFile(dir: string, uid: number, gid: number, name: string, content: string): void {
  const fd = openSync(
    join(dir, name),
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
    0o600,
  );
  try {
    writeSync(fd, content);
    fchownSync(fd, uid, gid);
  } finally {
    closeSync(fd);
  }
}
