import { accessSync, constants, readFileSync } from 'node:fs';

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

/**
 * Whether this executor could give each run a memory cgroup of its own, and why not. Kiln holds runs to
 * their limits with the guard in every case (docs/SECURITY.md, "Memory"); this is said at start so that an
 * operator knows what the engine offers. On cgroup v1 a container cannot create cgroups; on v2 Docker
 * mounts the container's cgroup read-only unless the engine is 28 or later and the container runs with
 * `--security-opt writable-cgroups=true`, and the memory controller must be available in it.
 */
export function perRunCgroups(root = '/sys/fs/cgroup'): { available: boolean; reason: string } {
  const controllers = read(`${root}/cgroup.controllers`);
  if (controllers === undefined) {
    return { available: false, reason: 'cgroup v1 (or none): a container cannot create cgroups' };
  }
  try {
    accessSync(root, constants.W_OK);
  } catch {
    return {
      available: false,
      reason: 'cgroup v2 mounted read-only (needs Docker 28+ and --security-opt writable-cgroups=true)',
    };
  }
  if (!controllers.split(/\s+/).includes('memory')) {
    return { available: false, reason: 'cgroup v2 without the memory controller delegated' };
  }
  return { available: true, reason: 'cgroup v2, writable, with the memory controller' };
}
