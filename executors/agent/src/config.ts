import { readFileSync, statSync } from 'node:fs';
import {
  boolean,
  ConfigError,
  type ConfigOf,
  defaultLimits,
  integer,
  list,
  logLevel,
  readConfig,
  text,
} from '@kiln/config';

export { ConfigError };

/**
 * The agent's configuration: the only place that reads process.env. Read once against this table
 * (@kiln/config); every problem is reported together and the process exits 1 with a clear message. Most of
 * it is set by the executor's image or by compose, under other names for the operator (KILN_EXECUTOR_*).
 */
export const agentSettings = {
  languageFile: text({
    env: 'KILN_LANGUAGE_FILE',
    default: '/etc/kiln/language.json',
    internal: true,
    doc: 'The language table of the executor image',
  }),
  // Slot uids are uidBase + 16 × range + index (see slots.ts); at most 16 slots per replica.
  slots: integer({
    env: 'KILN_SLOTS',
    default: 2,
    min: 1,
    max: 16,
    internal: true,
    doc: 'Concurrent runs (compose: KILN_EXECUTOR_SLOTS)',
  }),
  uidBase: integer({
    env: 'KILN_UID_BASE',
    min: 1000,
    max: 4_000_000_000,
    internal: true,
    doc: "Overrides the language table's uid base (tests on a shared host keep clear of real executors)",
  }),
  host: text({ env: 'KILN_HOST', default: '0.0.0.0', internal: true, doc: 'Address the agent listens on' }),
  port: integer({
    env: 'KILN_PORT',
    default: 8765,
    min: 0,
    max: 65535,
    internal: true,
    doc: 'Port of the agent',
  }),
  tokenFile: text({
    env: 'KILN_TOKEN_FILE',
    default: '/run/secrets/executor_token',
    internal: true,
    doc: 'File holding the token the worker presents (root-only)',
  }),
  workRoot: text({ env: 'KILN_WORK_ROOT', default: '/sandbox', internal: true, doc: 'Where the slots work' }),
  scratchDirs: list({
    env: 'KILN_SCRATCH_DIRS',
    separator: ':',
    default: ['/tmp', '/dev/shm', '/dev/mqueue'],
    internal: true,
    doc: 'Shared directories a run may write, swept after it',
  }),
  cacheDir: text({
    env: 'KILN_CACHE_DIR',
    default: '/run/kiln/cache',
    internal: true,
    doc: 'Where compiled binaries are cached',
  }),
  cacheEntries: integer({
    env: 'KILN_CACHE_ENTRIES',
    default: 256,
    min: 0,
    max: 100_000,
    internal: true,
    doc: 'Most binaries the compile cache keeps',
  }),
  cacheMb: integer({
    env: 'KILN_CACHE_MB',
    default: 64,
    min: 0,
    max: 100_000,
    internal: true,
    doc: 'Most MiB the compile cache keeps (within the tmpfs it lives on: 64m under compose)',
  }),
  runner: text({
    env: 'KILN_RUNNER',
    default: '/usr/local/libexec/kiln-run',
    internal: true,
    doc: 'The sandbox helper (kiln-run)',
  }),
  toolPath: text({
    env: 'KILN_TOOL_PATH',
    default: '/usr/local/bin:/usr/bin:/bin',
    internal: true,
    doc: "Where the language's tools are looked up",
  }),
  pchDir: text({
    env: 'KILN_PCH_DIR',
    default: '/opt/kiln/pch',
    internal: true,
    doc: 'Precompiled headers (C++)',
  }),
  shutdownGraceMs: integer({
    env: 'KILN_SHUTDOWN_GRACE_MS',
    default: 20_000,
    min: 0,
    max: 600_000,
    internal: true,
    doc: 'How long a stopping agent lets its runs finish (compose: KILN_EXECUTOR_SHUTDOWN_GRACE_MS)',
  }),
  exitWhenDirty: boolean({
    env: 'KILN_EXIT_WHEN_DIRTY',
    default: true,
    internal: true,
    doc: 'Exit (to be recreated) when a slot cannot be cleaned',
  }),
  /** Confine the program's writes with Landlock (see kiln-run.c); off only to test the OOM guard alone. */
  landlock: boolean({
    env: 'KILN_LANDLOCK',
    default: true,
    internal: true,
    doc: "Confine a program's writes with Landlock",
  }),
  /** Start each slot's next runtime ahead of its run (languages with `warmStart`): see warm-start.ts. */
  warmStart: boolean({
    env: 'KILN_WARM_START',
    default: true,
    doc: "Keep each idle slot's interpreter started ahead of its run (Python, JavaScript)",
  }),
  /**
   * Memory the executor keeps beyond its slots' runs: the agent, the helpers, the compile cache, kernel
   * memory a run can hold without it being counted (pipe buffers), and the guard's sampling slack.
   */
  memoryReserveMb: integer({
    env: 'KILN_MEMORY_RESERVE_MB',
    default: 256,
    min: 0,
    max: 1_000_000,
    internal: true,
    doc: "Memory the executor keeps beyond its slots' runs (compose: KILN_EXECUTOR_RESERVE_MB)",
  }),
  logLevel,
  /** The gateway's defaults: a slot's waiting runtime is started with them (see runner.ts, warm-start.ts). */
  defaultLimits,
};
export type AgentConfig = ConfigOf<typeof agentSettings>;

export function parseConfig(env: Record<string, string | undefined>): AgentConfig {
  return readConfig(agentSettings, env);
}

/**
 * The executor token, from a file only root can read: untrusted code shares the agent's network namespace,
 * so the token is the one thing that keeps it from driving the agent's port.
 */
export function readToken(file: string): string {
  const stat = statSync(file);
  if (stat.uid !== 0 || (stat.mode & 0o077) !== 0) {
    throw new ConfigError([
      `the executor token file ${file} must belong to root and be readable by root only (0400)`,
    ]);
  }
  const token = readFileSync(file, 'utf8').trim();
  if (token.length < 16)
    throw new ConfigError([`the executor token in ${file} is shorter than 16 characters`]);
  return token;
}
