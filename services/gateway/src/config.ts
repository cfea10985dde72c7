import { readFileSync } from 'node:fs';
import { LIMIT_KEYS, type Limits } from '@kiln/protocol';
import Type, { type Static } from 'typebox';
import { Value } from 'typebox/value';
import { openApiProblem, readApiKeys } from './access/config.js';
import type { ApiKey } from './access/keys.js';

/**
 * The gateway's configuration: the only place that reads process.env. The environment is parsed once against
 * EnvSchema; every problem is reported together and the process exits 1 with a clear message.
 */

const int = (fallback: number, minimum: number, maximum: number, description: string) =>
  Type.Integer({ default: fallback, minimum, maximum, description });

const EnvSchema = Type.Object({
  KILN_REDIS_URL: Type.String({ pattern: '^rediss?://', description: 'redis://[:password@]host:port[/db]' }),
  KILN_REDIS_PASSWORD_FILE: Type.Optional(Type.String({ description: 'File holding the Redis password' })),
  KILN_HOST: Type.String({ default: '0.0.0.0', minLength: 1 }),
  KILN_PUBLISHED_BIND: Type.Optional(
    Type.String({ description: 'The host address compose publishes the gateway on (its KILN_BIND)' }),
  ),
  KILN_API_KEYS: Type.Optional(Type.String({ description: 'name:scopes[:per_minute]=<sha256 hex>, ...' })),
  KILN_API_KEYS_FILE: Type.Optional(Type.String({ description: 'File of API key entries, one a line' })),
  KILN_RATE_LIMIT_PER_MINUTE: int(
    6000,
    0,
    1_000_000,
    'Requests per minute per API key without its own limit (per client address when open); 0: unlimited',
  ),
  KILN_PORT: int(5000, 0, 65_535, 'HTTP port'),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  NODE_ENV: Type.String({ default: 'development' }),
  KILN_DEFAULT_TIME_MS: int(10_000, 1, 3_600_000, 'Default wall-clock limit'),
  KILN_MAX_TIME_MS: int(30_000, 1, 3_600_000, 'Maximum wall-clock limit'),
  KILN_DEFAULT_CPU_TIME_MS: int(5_000, 1, 3_600_000, 'Default CPU time limit'),
  KILN_MAX_CPU_TIME_MS: int(20_000, 1, 3_600_000, 'Maximum CPU time limit'),
  KILN_DEFAULT_MEMORY_MB: int(128, 1, 65_536, 'Default memory limit'),
  KILN_MAX_MEMORY_MB: int(256, 1, 65_536, 'Maximum memory limit'),
  KILN_DEFAULT_OUTPUT_KB: int(64, 1, 1_048_576, 'Default cap on stdout and stderr'),
  KILN_MAX_OUTPUT_KB: int(1024, 1, 1_048_576, 'Maximum cap on stdout and stderr'),
  KILN_MAX_CODE_KB: int(64, 1, 65_536, 'Largest accepted source code (UTF-8)'),
  KILN_MAX_STDIN_KB: int(1024, 0, 65_536, 'Largest accepted stdin (UTF-8)'),
  KILN_MAX_WAIT_MS: int(60_000, 0, 3_600_000, 'Longest a synchronous request waits for its result'),
  KILN_RESULT_TTL_SECONDS: int(3600, 1, 30 * 86_400, 'How long a finished execution stays readable'),
  KILN_RESULT_MAX_COUNT: int(10_000, 1, 10_000_000, 'Most finished executions kept per language'),
  KILN_JOB_ATTEMPTS: int(3, 1, 20, 'Tries per job when the infrastructure fails'),
  KILN_JOB_BACKOFF_MS: int(1000, 0, 600_000, 'First retry delay (doubles on each retry)'),
  KILN_MAX_QUEUE_DEPTH: int(1000, 0, 10_000_000, 'Queued jobs per language before answering 429'),
  KILN_MAX_GRADING_BODY_KB: int(
    16_384,
    64,
    1_048_576,
    'Largest submission or batch body (tests and sources together, as JSON)',
  ),
  KILN_WEBHOOK_ALLOW_PRIVATE: Type.Boolean({
    default: false,
    description:
      'Accept callbackUrl on loopback, private and link-local addresses (for tests and private networks)',
  }),
});
type Env = Static<typeof EnvSchema>;

export interface RedisConfig {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly db: number;
  readonly tls?: Record<string, never>;
}

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  readonly redis: RedisConfig;
  readonly limits: { readonly defaults: Limits; readonly maximums: Limits };
  readonly maxCodeBytes: number;
  readonly maxStdinBytes: number;
  /** Fastify's coarse cap on a whole body; the exact caps are measured on the decoded code and stdin. */
  readonly bodyLimitBytes: number;
  readonly maxWaitMs: number;
  readonly resultTtlSeconds: number;
  readonly resultMaxCount: number;
  readonly jobAttempts: number;
  readonly jobBackoffMs: number;
  readonly maxQueueDepth: number;
  /** Fastify's cap on a submission or batch body. */
  readonly maxGradingBodyBytes: number;
  readonly webhookAllowPrivate: boolean;
  /** No keys: the API is open (allowed only where it is reachable from this machine alone). */
  readonly apiKeys: readonly ApiKey[];
  readonly rateLimitPerMinute: number;
  /** The address compose publishes the gateway on, when it says (KILN_PUBLISHED_BIND). */
  readonly publishedBind?: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
    Object.setPrototypeOf(this, ConfigError.prototype);
  }
}

/**
 * Booleans are `true` or `false`. Integers are converted only when written as plain decimal digits: TypeBox's own conversion would read
 * "1.5" as 1, and a misread setting is worse than a refused one.
 */
function toValue(name: string, text: string): unknown {
  const schema = EnvSchema.properties[name as keyof typeof EnvSchema.properties];
  const value = text.trim();
  if ('type' in schema && schema.type === 'boolean' && /^(true|false)$/.test(value)) return value === 'true';
  return 'type' in schema && schema.type === 'integer' && /^-?\d+$/.test(value) ? Number(value) : value;
}

function schemaProblems(env: Record<string, unknown>): string[] {
  return Value.Errors(EnvSchema, env).flatMap((error) => {
    if (error.keyword === 'required') {
      const names = (error.params as { requiredProperties: string[] }).requiredProperties;
      return names.map((name) => `${name} is required`);
    }
    const name = error.instancePath.slice(1);
    const allowed = (error.params as { allowedValues?: string[] }).allowedValues;
    const rule = allowed ? `must be one of ${allowed.join(', ')}` : error.message;
    // The Redis URL may carry the password: never echo it.
    const got = name === 'KILN_REDIS_URL' ? '' : `, got "${String(env[name])}"`;
    return [`${name} ${rule}${got}`];
  });
}

/** The password from KILN_REDIS_PASSWORD_FILE (a mounted secret), which wins over one in the URL. */
function readPasswordFile(file: string | undefined, problems: string[]): string | undefined {
  if (!file) return undefined;
  try {
    const password = readFileSync(file, 'utf8').trim();
    if (!password) problems.push(`KILN_REDIS_PASSWORD_FILE (${file}) is empty`);
    return password || undefined;
  } catch (err) {
    problems.push(`KILN_REDIS_PASSWORD_FILE could not be read: ${(err as Error).message}`);
    return undefined;
  }
}

function parseRedisUrl(env: Env, problems: string[]): RedisConfig {
  const url = URL.canParse(env.KILN_REDIS_URL) ? new URL(env.KILN_REDIS_URL) : undefined;
  if (!url?.hostname) {
    problems.push('KILN_REDIS_URL is not a valid redis:// URL');
    return { host: '', port: 0, db: 0 };
  }
  const password =
    readPasswordFile(env.KILN_REDIS_PASSWORD_FILE, problems) ?? decodeURIComponent(url.password);
  // Redis holds every submission and result: in production it must not be reachable without a password.
  if (env.NODE_ENV === 'production' && !password) {
    problems.push(
      'a Redis password is required when NODE_ENV=production (KILN_REDIS_PASSWORD_FILE or the URL)',
    );
  }
  const db = Number(url.pathname.slice(1) || 0);
  if (!Number.isInteger(db) || db < 0) problems.push('KILN_REDIS_URL has an invalid database number');
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port || 6379),
    ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
    ...(password ? { password } : {}),
    db,
    ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
  };
}

function limitsFrom(env: Env, problems: string[]): Config['limits'] {
  const defaults: Limits = {
    timeMs: env.KILN_DEFAULT_TIME_MS,
    cpuTimeMs: env.KILN_DEFAULT_CPU_TIME_MS,
    memoryMb: env.KILN_DEFAULT_MEMORY_MB,
    outputKb: env.KILN_DEFAULT_OUTPUT_KB,
  };
  const maximums: Limits = {
    timeMs: env.KILN_MAX_TIME_MS,
    cpuTimeMs: env.KILN_MAX_CPU_TIME_MS,
    memoryMb: env.KILN_MAX_MEMORY_MB,
    outputKb: env.KILN_MAX_OUTPUT_KB,
  };
  for (const key of LIMIT_KEYS) {
    const comparable = Number.isInteger(defaults[key]) && Number.isInteger(maximums[key]);
    if (comparable && defaults[key] > maximums[key]) {
      problems.push(`the default ${key} (${defaults[key]}) is above its maximum (${maximums[key]})`);
    }
  }
  return { defaults: Object.freeze(defaults), maximums: Object.freeze(maximums) };
}

export function parseConfig(source: Record<string, string | undefined>): Config {
  // Empty variables count as unset, as compose passes `FOO: ${FOO:-}` through as "".
  const present = Object.entries(source).filter(
    ([name, value]) => name in EnvSchema.properties && value?.trim(),
  );
  const env = Value.Default(
    EnvSchema,
    Object.fromEntries(present.map(([name, value]) => [name, toValue(name, value!)])),
  );
  const problems = schemaProblems(env as Record<string, unknown>);
  // Checks across variables still run when some are invalid, so every problem is reported in one go;
  // each reads only values the schema accepted.
  const valid = env as Env;
  const urlValid = !problems.some((problem) => problem.startsWith('KILN_REDIS_URL'));
  const redis = urlValid ? parseRedisUrl(valid, problems) : undefined;
  const limits = limitsFrom(valid, problems);
  const apiKeys = readApiKeys(valid.KILN_API_KEYS, valid.KILN_API_KEYS_FILE, problems);
  // A mistyped key entry is already reported; "no keys" on top of it would only mislead.
  if (!problems.some((problem) => problem.startsWith('KILN_API_KEYS'))) {
    const open = openApiProblem(apiKeys.length, valid.KILN_HOST, valid.KILN_PUBLISHED_BIND);
    if (open) problems.push(open);
  }
  if (problems.length > 0 || !redis) throw new ConfigError(problems);
  const maxCodeBytes = valid.KILN_MAX_CODE_KB * 1024;
  const maxStdinBytes = valid.KILN_MAX_STDIN_KB * 1024;
  return Object.freeze({
    host: valid.KILN_HOST,
    port: valid.KILN_PORT,
    logLevel: valid.LOG_LEVEL,
    redis: Object.freeze(redis),
    limits: Object.freeze(limits),
    maxCodeBytes,
    maxStdinBytes,
    // JSON escaping can double a string (newlines, quotes, backslashes); the rest is room for the envelope.
    bodyLimitBytes: 2 * (maxCodeBytes + maxStdinBytes) + 64 * 1024,
    maxWaitMs: valid.KILN_MAX_WAIT_MS,
    resultTtlSeconds: valid.KILN_RESULT_TTL_SECONDS,
    resultMaxCount: valid.KILN_RESULT_MAX_COUNT,
    jobAttempts: valid.KILN_JOB_ATTEMPTS,
    jobBackoffMs: valid.KILN_JOB_BACKOFF_MS,
    maxQueueDepth: valid.KILN_MAX_QUEUE_DEPTH,
    maxGradingBodyBytes: valid.KILN_MAX_GRADING_BODY_KB * 1024,
    webhookAllowPrivate: valid.KILN_WEBHOOK_ALLOW_PRIVATE,
    apiKeys: Object.freeze(apiKeys),
    rateLimitPerMinute: valid.KILN_RATE_LIMIT_PER_MINUTE,
    ...(valid.KILN_PUBLISHED_BIND ? { publishedBind: valid.KILN_PUBLISHED_BIND } : {}),
  });
}

/** Parse process.env or end the process with every problem listed: a service must not start half-configured. */
export function loadConfig(): Config {
  try {
    return parseConfig(process.env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`kiln gateway: ${err.message}\n`);
    process.exit(1);
  }
}
