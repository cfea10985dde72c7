import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** SysV IPC objects outlive their creator; they are found in /proc/sysvipc and removed after each run. */

const KINDS = { shm: ['-m', 'shmid'], msg: ['-q', 'msqid'], sem: ['-s', 'semid'] } as const;
type Kind = keyof typeof KINDS;

export interface IpcObject {
  kind: Kind;
  id: number;
}

export function ipcObjectsOf(uid: number): IpcObject[] {
  const found: IpcObject[] = [];
  for (const kind of Object.keys(KINDS) as Kind[]) {
    let text: string;
    try {
      text = readFileSync(`/proc/sysvipc/${kind}`, 'latin1');
    } catch {
      continue; // no SysV IPC in this kernel
    }
    const [header, ...rows] = text.trim().split('\n');
    const columns = header?.trim().split(/\s+/) ?? [];
    const idColumn = columns.indexOf(KINDS[kind][1]);
    const owners = [columns.indexOf('uid'), columns.indexOf('cuid')];
    for (const row of rows) {
      const cells = row.trim().split(/\s+/);
      if (owners.some((column) => Number(cells[column]) === uid))
        found.push({ kind, id: Number(cells[idColumn]) });
    }
  }
  return found;
}

/**
 * Remove the objects as the uid itself: IPC_RMID needs the owner's uid or CAP_SYS_ADMIN, and the agent
 * keeps no such capability. Runs only when something was found, so a normal run pays one read of /proc. Returns how many were found.
 */
export async function removeIpcOf(uid: number, gid: number, runner: string, ipcrm: string): Promise<number> {
  const objects = ipcObjectsOf(uid);
  if (objects.length === 0) return 0;
  const args = objects.flatMap(({ kind, id }) => [KINDS[kind][0], String(id)]);
  await execFileAsync(
    runner,
    ['--uid', String(uid), '--gid', String(gid), '--dir', '/', '--', ipcrm, ...args],
    {
      env: { PATH: '/usr/bin:/bin' },
    },
  ).catch(() => undefined); // whatever remains is caught by the baseline check
  return objects.length;
}
