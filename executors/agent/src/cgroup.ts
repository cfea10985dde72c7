import { readFileSync } from 'node:fs';

/**
 * The executor's own memory cgroup, read-only (an executor cannot create or change cgroups: see
 * docs/SECURITY.md). Inside a container /sys/fs/cgroup shows the container's own cgroup: v1 under
 * memory/, v2 at the top.
 */

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined;
  }
}

/** The memory limit of this executor in bytes, or undefined when there is none (a host, an unlimited cgroup). */
export function memoryLimitBytes(root = '/sys/fs/cgroup'): number | undefined {
  const text = (read(`${root}/memory.max`) ?? read(`${root}/memory/memory.limit_in_bytes`))?.trim();
  if (!text || text === 'max') return undefined;
  const bytes = Number(text);
  // cgroup v1 says "no limit" with a number near 2^63.
  return Number.isSafeInteger(bytes) && bytes < 2 ** 50 ? bytes : undefined;
}

/** How many processes the kernel's OOM killer has killed in this cgroup so far (undefined: not told). */
export function oomKills(root = '/sys/fs/cgroup'): number | undefined {
  const text = read(`${root}/memory.events`) ?? read(`${root}/memory/memory.oom_control`);
  const match = text && /^oom_kill (\d+)$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}
