import { readFileSync, statSync } from 'node:fs';

/**
 * The agent's configuration: the only place that reads process.env. Parsed once; every problem is reported
 * together and the process exits 1 with a clear message.
 */
export interface AgentConfig {
  readonly languageFile: string;
  readonly slots: number;
  /** Overrides the language table's uid base (tests on a shared host keep clear of real executors). */
  readonly uidBase: number | undefined;
  readonly host: string;
  readonly port: number;
  readonly tokenFile: string;
  readonly workRoot: string;
  readonly scratchDirs: readonly string[];
  readonly cacheDir: string;
  readonly cacheEntries: number;
  readonly cacheMb: number;
  readonly runner: string;
  readonly toolPath: string;
  readonly pchDir: string;
  readonly shutdownGraceMs: number;
  readonly exitWhenDirty: boolean;
  /** Confine the program's writes with Landlock (see kiln-run.c); off only to test the OOM guard alone. */
  readonly landlock: boolean;
  /** Start each slot's next runtime ahead of its run (KILN_WARM_START; see warm-start.ts). */
  readonly warmStart: boolean;
  /**
   * Memory the executor keeps beyond its slots' runs: the agent, the helpers, the compile cache, kernel
   * memory a run can hold without it being counted (pipe buffers), and the guard's sampling slack.
   */
  readonly memoryReserveMb: number;
  readonly logLevel: string;
}

type Env = Record<string, string | undefined>;

export function parseConfig(env: Env): AgentConfig {
  const problems: string[] = [];
  const text = (name: string, fallback: string) => env[name]?.trim() || fallback;
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
      return fallback;
    }
    return value;
  };
  const bool = (name: string, fallback: boolean) => {
    const raw = env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if (raw === 'true' || raw === '1') return true;
    if (raw === 'false' || raw === '0') return false;
    problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  };
  const config: AgentConfig = {
    languageFile: text('KILN_LANGUAGE_FILE', '/etc/kiln/language.json'),
    // Slot uids are uidBase + 16 × range + index (see slots.ts); at most 16 slots per replica.
    slots: int('KILN_SLOTS', 2, 1, 16),
    uidBase: env.KILN_UID_BASE?.trim() ? int('KILN_UID_BASE', 0, 1000, 4_000_000_000) : undefined,
    host: text('KILN_HOST', '0.0.0.0'),
    port: int('KILN_PORT', 8765, 0, 65535),
    tokenFile: text('KILN_TOKEN_FILE', '/run/secrets/executor_token'),
    workRoot: text('KILN_WORK_ROOT', '/sandbox'),
    scratchDirs: text('KILN_SCRATCH_DIRS', '/tmp:/dev/shm:/dev/mqueue').split(':').filter(Boolean),
    cacheDir: text('KILN_CACHE_DIR', '/run/kiln/cache'),
    cacheEntries: int('KILN_CACHE_ENTRIES', 256, 0, 100_000),
    cacheMb: int('KILN_CACHE_MB', 64, 0, 100_000),
    runner: text('KILN_RUNNER', '/usr/local/libexec/kiln-run'),
    toolPath: text('KILN_TOOL_PATH', '/usr/local/bin:/usr/bin:/bin'),
    pchDir: text('KILN_PCH_DIR', '/opt/kiln/pch'),
    shutdownGraceMs: int('KILN_SHUTDOWN_GRACE_MS', 20_000, 0, 600_000),
    exitWhenDirty: bool('KILN_EXIT_WHEN_DIRTY', true),
    landlock: bool('KILN_LANDLOCK', true),
    // Start the runtime of a slot's next run ahead of it (languages with `warmStart`): see warm-start.ts.
    warmStart: bool('KILN_WARM_START', true),
    memoryReserveMb: int('KILN_MEMORY_RESERVE_MB', 256, 0, 1_000_000),
    logLevel: text('LOG_LEVEL', 'info'),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    Object.setPrototypeOf(this, ConfigError.prototype);
  }
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
