import { statfsSync } from 'node:fs';
import { memoryLimitBytes } from './cgroup.js';
import { ConfigError } from './config.js';

const MB = 1024 * 1024;
const TMPFS_MAGIC = 0x01021994;

export interface CapacityInput {
  slots: number;
  /** The most memory one run (or compile) of this language may be given, in MB. */
  largestRunMb: number;
  reserveMb: number;
  /** Where runs write: the work root and the scratch dirs. */
  writableDirs: readonly string[];
  /** This executor's memory limit in bytes (the cgroup's, by default); undefined: none. */
  memoryLimit?: number | undefined;
}

/**
 * The guard in the helper holds each run to its memory limit, but only to within a tick of sampling, and
 * some kernel memory (pipe buffers) is not counted: so the executor must have room for every slot's
 * largest run at once plus a reserve, or a run could still fill the container and get the kernel's OOM
 * killer to pick a process of another slot. A tmpfs a run writes to is shared by the slots: it must hold
 * every slot's largest run too, or one run filling it would leave the others without room. Checked at
 * start; the agent refuses to start otherwise, naming the fix.
 */
export function checkCapacity(input: CapacityInput): void {
  const problems: string[] = [];
  const needMb = input.slots * input.largestRunMb + input.reserveMb;
  const limit = 'memoryLimit' in input ? input.memoryLimit : memoryLimitBytes();
  if (limit !== undefined && limit < needMb * MB) {
    problems.push(
      `the executor's memory limit (${Math.floor(limit / MB)} MB) is below ${input.slots} slots × ` +
        `${input.largestRunMb} MB (the largest run or compile) + ${input.reserveMb} MB reserve = ${needMb} MB: ` +
        `raise KILN_EXECUTOR_MEMORY to ${needMb}m or more, or lower KILN_EXECUTOR_SLOTS or the maximum memory`,
    );
  }
  const needTmpfs = input.slots * input.largestRunMb * MB;
  for (const dir of input.writableDirs) {
    let stats: ReturnType<typeof statfsSync>;
    try {
      stats = statfsSync(dir);
    } catch {
      continue; // not there (no /dev/mqueue): nothing to share
    }
    const size = stats.blocks * stats.bsize;
    if (stats.type === TMPFS_MAGIC && size < needTmpfs) {
      problems.push(
        `the tmpfs at ${dir} holds ${Math.floor(size / MB)} MB, less than ${input.slots} slots × ` +
          `${input.largestRunMb} MB: give it size=${input.slots * input.largestRunMb}m or more`,
      );
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
}
