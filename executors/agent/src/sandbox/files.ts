import {
  chmodSync,
  closeSync,
  constants,
  fchownSync,
  lchownSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  rmdirSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * File-system work of the sandbox. In a container the agent is root *without* CAP_DAC_OVERRIDE, so it
 * cannot enter a slot's 0700 directory. It uses what it has instead: CAP_CHOWN takes a directory back
 * (lchown to root), ownership then allows chmod, and only then is the directory read and emptied.
 */

const isMissing = (err: unknown) => (err as NodeJS.ErrnoException).code === 'ENOENT';

/** Remove `path` and everything below it, whoever owns it, without following a symlink. */
export function removeTree(path: string): void {
  let stat: ReturnType<typeof lstatSync>;
  try {
    stat = lstatSync(path);
  } catch (err) {
    if (isMissing(err)) return;
    throw err;
  }
  if (!stat.isDirectory()) {
    unlinkSync(path);
    return;
  }
  // Take the directory first: from here on no slot uid can add, rename or swap anything inside it.
  lchownSync(path, 0, 0);
  chmodSync(path, 0o700);
  for (const name of readdirSync(path)) removeTree(join(path, name));
  rmdirSync(path);
}

/** Remove every top-level entry of `dir` that belongs to `uid` (for /tmp, /dev/shm, /dev/mqueue). */
export function removeEntriesOf(dir: string, uid: number): number {
  const owned = entriesOf(dir, uid);
  for (const path of owned) removeTree(path);
  return owned.length;
}

export function entriesOf(dir: string, uid: number): string[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
  const owned: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    try {
      if (lstatSync(path).uid === uid) owned.push(path);
    } catch (err) {
      if (!isMissing(err)) throw err;
    }
  }
  return owned;
}

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

/** A new file in a work dir that root holds at the moment, written by root and then given to the uid. */
export function writeWorkFile(dir: string, uid: number, gid: number, name: string, content: string): void {
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
