import { readFileSync } from 'node:fs';
import { LANGUAGES, type Language } from '@kiln/protocol';

/**
 * The worker's configuration: the only place that reads process.env. Parsed once; every problem is
 * reported together and the process exits 1 with a clear message.
 */
export interface WorkerConfig {
  readonly redisUrl: string;
  readonly tokenFile: string;
  readonly executors: Readonly<Record<Language, { host: string; port: number }>>;
  readonly resolveIntervalMs: number;
  readonly slotWaitMs: number;
  readonly runGraceMs: number;
  readonly shutdownGraceMs: number;
  readonly healthPort: number;
  readonly logLevel: string;
  /**
   * KILN_GRADING_CONCURRENCY: submissions graded at once per language; 0 (the default) means half the
   * language's slots, at least 1. A submission runs several tests at once, and plain executions share the
   * same slots, so fewer submissions than slots keeps both moving.
   */
  readonly gradingConcurrency: number;
  /** KILN_GRADING_OUTPUT_KB (default 4): cap on each of stdin, expected, stdout and stderr in a test result. */
  readonly gradingOutputKb: number;
  /** KILN_BATCH_CONCURRENCY (default 4): batch parent jobs summarised at once; each is a few Redis reads. */
  readonly batchConcurrency: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    Object.setPrototypeOf(this, ConfigError.prototype);
  }
}

/** The Redis password may come from a file (a Compose-generated secret) instead of the URL. */
function withPassword(url: string, passwordFile: string | undefined, problems: string[]): string {
  if (!/^rediss?:\/\//.test(url)) {
    problems.push('KILN_REDIS_URL must start with redis:// or rediss://');
    return url;
  }
  if (!passwordFile?.trim()) return url;
  try {
    const parsed = new URL(url);
    parsed.password = encodeURIComponent(readFileSync(passwordFile.trim(), 'utf8').trim());
    return parsed.toString();
  } catch (err) {
    problems.push(`KILN_REDIS_PASSWORD_FILE could not be read: ${(err as Error).message}`);
    return url;
  }
}

export function parseConfig(env: Record<string, string | undefined>): WorkerConfig {
  const problems: string[] = [];
  const text = (name: string, fallback: string) => env[name]?.trim() || fallback;
  const int = (name: string, fallback: number, min: number, max: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    problems.push(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
    return fallback;
  };
  const executor = (language: Language) => {
    const name = `KILN_EXECUTOR_${language.toUpperCase()}`;
    const raw = text(name, `executor-${language}:8765`);
    const match = /^([^:\s]+):(\d{1,5})$/.exec(raw);
    if (!match) problems.push(`${name} must be host:port, got "${raw}"`);
    return { host: match?.[1] ?? raw, port: Number(match?.[2] ?? 8765) };
  };
  const redisUrl = withPassword(
    text('KILN_REDIS_URL', 'redis://redis:6379'),
    env.KILN_REDIS_PASSWORD_FILE,
    problems,
  );
  const config: WorkerConfig = {
    redisUrl,
    tokenFile: text('KILN_EXECUTOR_TOKEN_FILE', '/run/secrets/worker_token'),
    executors: Object.fromEntries(
      LANGUAGES.map((language) => [language, executor(language)]),
    ) as WorkerConfig['executors'],
    resolveIntervalMs: int('KILN_RESOLVE_INTERVAL_MS', 5_000, 100, 600_000),
    slotWaitMs: int('KILN_SLOT_WAIT_MS', 60_000, 0, 3_600_000),
    runGraceMs: int('KILN_RUN_GRACE_MS', 30_000, 1_000, 600_000),
    shutdownGraceMs: int('KILN_SHUTDOWN_GRACE_MS', 25_000, 0, 600_000),
    healthPort: int('KILN_HEALTH_PORT', 8081, 0, 65_535),
    logLevel: text('LOG_LEVEL', 'info'),
    gradingConcurrency: int('KILN_GRADING_CONCURRENCY', 0, 0, 1_000),
    gradingOutputKb: int('KILN_GRADING_OUTPUT_KB', 4, 1, 1_024),
    batchConcurrency: int('KILN_BATCH_CONCURRENCY', 4, 1, 1_000),
  };
  if (problems.length > 0) throw new ConfigError(problems);
  return Object.freeze(config);
}
