import {
  ConfigError,
  type ConfigOf,
  defaultLimits,
  integer,
  logLevel,
  type RedisConnection,
  readConfig,
  redis,
  text,
  webhookAllowPrivate,
} from '@kiln/config';
import { LIMIT_KEYS, type Limits } from '@kiln/protocol';
import { openApiProblem, readApiKeys } from './access/config.js';
import type { ApiKey } from './access/keys.js';

export { ConfigError };

/**
 * The gateway's configuration: the only place that reads process.env. The environment is read once against
 * this table (@kiln/config); every problem is reported together and the process exits 1 with a clear message.
 */
export const gatewaySettings = {
  redis,
  host: text({ env: 'KILN_HOST', default: '0.0.0.0', internal: true, doc: 'Address the gateway listens on' }),
  publishedBind: text({
    env: 'KILN_PUBLISHED_BIND',
    internal: true,
    doc: 'The host address compose publishes the gateway on (its KILN_BIND)',
  }),
  apiKeys: text({ env: 'KILN_API_KEYS', doc: 'API key entries, name:scopes[:per_minute]=<sha256 hex>, ...' }),
  apiKeysFile: text({ env: 'KILN_API_KEYS_FILE', doc: 'File of API key entries, one a line' }),
  rateLimitPerMinute: integer({
    env: 'KILN_RATE_LIMIT_PER_MINUTE',
    default: 6000,
    min: 0,
    max: 1_000_000,
    doc: 'Requests per minute per API key without its own limit (per client address when open); 0: unlimited',
  }),
  port: integer({ env: 'KILN_PORT', default: 5000, min: 0, max: 65_535, doc: 'HTTP port' }),
  logLevel,
  defaultLimits,
  maximums: {
    timeMs: integer({
      env: 'KILN_MAX_TIME_MS',
      default: 30_000,
      min: 1,
      max: 3_600_000,
      doc: 'Maximum wall-clock limit',
    }),
    cpuTimeMs: integer({
      env: 'KILN_MAX_CPU_TIME_MS',
      default: 20_000,
      min: 1,
      max: 3_600_000,
      doc: 'Maximum CPU time limit',
    }),
    memoryMb: integer({
      env: 'KILN_MAX_MEMORY_MB',
      default: 256,
      min: 1,
      max: 65_536,
      doc: 'Maximum memory limit',
    }),
    outputKb: integer({
      env: 'KILN_MAX_OUTPUT_KB',
      default: 1024,
      min: 1,
      max: 1_048_576,
      doc: 'Maximum cap on stdout and stderr',
    }),
  },
  maxCodeKb: integer({
    env: 'KILN_MAX_CODE_KB',
    default: 64,
    min: 1,
    max: 65_536,
    doc: 'Largest accepted source code (UTF-8)',
  }),
  maxStdinKb: integer({
    env: 'KILN_MAX_STDIN_KB',
    default: 1024,
    min: 0,
    max: 65_536,
    doc: 'Largest accepted stdin (UTF-8)',
  }),
  maxWaitMs: integer({
    env: 'KILN_MAX_WAIT_MS',
    default: 60_000,
    min: 0,
    max: 3_600_000,
    doc: 'Longest a synchronous request waits for its result',
  }),
  resultTtlSeconds: integer({
    env: 'KILN_RESULT_TTL_SECONDS',
    default: 3600,
    min: 1,
    max: 30 * 86_400,
    doc: 'How long a finished execution stays readable',
  }),
  resultMaxCount: integer({
    env: 'KILN_RESULT_MAX_COUNT',
    default: 10_000,
    min: 1,
    max: 10_000_000,
    doc: 'Most finished executions kept per language',
  }),
  jobAttempts: integer({
    env: 'KILN_JOB_ATTEMPTS',
    default: 3,
    min: 1,
    max: 20,
    doc: 'Tries per job when the infrastructure fails',
  }),
  jobBackoffMs: integer({
    env: 'KILN_JOB_BACKOFF_MS',
    default: 1000,
    min: 0,
    max: 600_000,
    doc: 'First retry delay (doubles on each retry)',
  }),
  maxQueueDepth: integer({
    env: 'KILN_MAX_QUEUE_DEPTH',
    default: 1000,
    min: 0,
    max: 10_000_000,
    doc: 'Queued jobs per language before answering 429',
  }),
  maxGradingBodyKb: integer({
    env: 'KILN_MAX_GRADING_BODY_KB',
    default: 16_384,
    min: 64,
    max: 1_048_576,
    doc: 'Largest submission or batch body (tests and sources together, as JSON)',
  }),
  webhookAllowPrivate,
};
type Settings = ConfigOf<typeof gatewaySettings>;

export interface Config {
  readonly host: string;
  readonly port: number;
  readonly logLevel: string;
  readonly redis: RedisConnection;
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

function checkLimits({ defaultLimits: defaults, maximums }: Settings, problems: string[]): void {
  for (const key of LIMIT_KEYS) {
    if (defaults[key] > maximums[key]) {
      problems.push(`the default ${key} (${defaults[key]}) is above its maximum (${maximums[key]})`);
    }
  }
}

export function parseConfig(source: Record<string, string | undefined>): Config {
  return readConfig(gatewaySettings, source, (env, problems): Config => {
    checkLimits(env, problems);
    const apiKeys = readApiKeys(env.apiKeys, env.apiKeysFile, problems);
    // A mistyped key entry is already reported; "no keys" on top of it would only mislead.
    if (!problems.some((problem) => problem.startsWith('KILN_API_KEYS'))) {
      const open = openApiProblem(apiKeys.length, env.host, env.publishedBind);
      if (open) problems.push(open);
    }
    const maxCodeBytes = env.maxCodeKb * 1024;
    const maxStdinBytes = env.maxStdinKb * 1024;
    return {
      host: env.host,
      port: env.port,
      logLevel: env.logLevel,
      redis: env.redis,
      limits: { defaults: env.defaultLimits, maximums: env.maximums },
      maxCodeBytes,
      maxStdinBytes,
      // JSON escaping can double a string (newlines, quotes, backslashes); the rest is room for the envelope.
      bodyLimitBytes: 2 * (maxCodeBytes + maxStdinBytes) + 64 * 1024,
      maxWaitMs: env.maxWaitMs,
      resultTtlSeconds: env.resultTtlSeconds,
      resultMaxCount: env.resultMaxCount,
      jobAttempts: env.jobAttempts,
      jobBackoffMs: env.jobBackoffMs,
      maxQueueDepth: env.maxQueueDepth,
      maxGradingBodyBytes: env.maxGradingBodyKb * 1024,
      webhookAllowPrivate: env.webhookAllowPrivate,
      apiKeys,
      rateLimitPerMinute: env.rateLimitPerMinute,
      ...(env.publishedBind ? { publishedBind: env.publishedBind } : {}),
    };
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
