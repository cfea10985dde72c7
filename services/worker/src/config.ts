import {
  ConfigError,
  type ConfigOf,
  type HostPort,
  hostPort,
  integer,
  logLevel,
  readConfig,
  redis,
  type Setting,
  text,
  webhookAllowPrivate,
} from '@kiln/config';
import { LANGUAGES, type Language } from '@kiln/protocol';

export { ConfigError };

/**
 * The worker's configuration: the only place that reads process.env. Read once against this table
 * (@kiln/config); every problem is reported together and the process exits 1 with a clear message.
 */
export const workerSettings = {
  redis,
  tokenFile: text({
    env: 'KILN_EXECUTOR_TOKEN_FILE',
    default: '/run/secrets/worker_token',
    internal: true,
    doc: 'File holding the token the executors expect',
  }),
  executors: Object.fromEntries(
    LANGUAGES.map((language) => [
      language,
      hostPort({
        env: `KILN_EXECUTOR_${language.toUpperCase()}`,
        default: `executor-${language}:8765`,
        internal: true,
        doc: `The ${language} executors' service name (every address it resolves to is a replica) and port`,
      }),
    ]),
  ) as Record<Language, Setting<HostPort>>,
  resolveIntervalMs: integer({
    env: 'KILN_RESOLVE_INTERVAL_MS',
    default: 5_000,
    min: 100,
    max: 600_000,
    doc: 'How often the executor names are resolved again, to find replicas that came or went',
  }),
  slotWaitMs: integer({
    env: 'KILN_SLOT_WAIT_MS',
    default: 60_000,
    min: 0,
    max: 3_600_000,
    doc: 'How long a job waits for a free executor slot before its attempt fails',
  }),
  runGraceMs: integer({
    env: 'KILN_RUN_GRACE_MS',
    default: 30_000,
    min: 1_000,
    max: 600_000,
    doc: 'How long past its time limit a run may take to answer before its executor is given up on',
  }),
  shutdownGraceMs: integer({
    env: 'KILN_SHUTDOWN_GRACE_MS',
    // As long as the longest run (a 30 s compile backstop, then 30 s of wall clock) and a little more.
    default: 70_000,
    min: 0,
    max: 600_000,
    doc: 'How long a stopping worker lets its jobs in flight finish',
  }),
  healthPort: integer({
    env: 'KILN_HEALTH_PORT',
    default: 8081,
    min: 0,
    max: 65_535,
    internal: true,
    doc: 'Loopback port of the health endpoint the Docker healthcheck asks',
  }),
  logLevel,
  /**
   * A submission runs several tests at once, and plain executions share the same slots, so fewer
   * submissions than slots keeps both moving.
   */
  gradingConcurrency: integer({
    env: 'KILN_GRADING_CONCURRENCY',
    default: 0,
    min: 0,
    max: 1_000,
    doc: 'Submissions graded at once per language; 0: half the slots of the language, at least 1',
  }),
  gradingOutputKb: integer({
    env: 'KILN_GRADING_OUTPUT_KB',
    default: 4,
    min: 1,
    max: 1_024,
    doc: 'Cap on each of stdin, expected, stdout and stderr in a test result',
  }),
  batchConcurrency: integer({
    env: 'KILN_BATCH_CONCURRENCY',
    default: 4,
    min: 1,
    max: 1_000,
    doc: 'Batch parent jobs summarised at once (each is a few Redis reads)',
  }),
  /**
   * The HMAC-SHA256 key that signs webhook deliveries: KILN_WEBHOOK_SECRET, or else the file. Without
   * either, deliveries are queued and wait until a worker with a secret starts.
   */
  webhookSecret: text({
    env: 'KILN_WEBHOOK_SECRET',
    secret: true,
    doc: 'HMAC key of webhook signatures (else the file KILN_WEBHOOK_SECRET_FILE)',
  }),
  webhookSecretFile: text({
    env: 'KILN_WEBHOOK_SECRET_FILE',
    default: '/run/secrets/webhook_secret',
    internal: true,
    doc: 'File holding the webhook signing key (compose generates one)',
  }),
  webhookTimeoutMs: integer({
    env: 'KILN_WEBHOOK_TIMEOUT_MS',
    default: 10_000,
    min: 100,
    max: 600_000,
    doc: 'How long one delivery attempt waits for the receiver',
  }),
  webhookAttempts: integer({
    env: 'KILN_WEBHOOK_ATTEMPTS',
    default: 8,
    min: 1,
    max: 100,
    doc: 'Attempts of a webhook delivery',
  }),
  webhookBackoffMs: integer({
    env: 'KILN_WEBHOOK_BACKOFF_MS',
    default: 30_000,
    min: 0,
    max: 3_600_000,
    doc: 'First retry delay of a webhook delivery (doubles each time)',
  }),
  webhookAllowPrivate,
};
export type WorkerConfig = ConfigOf<typeof workerSettings>;

export function parseConfig(env: Record<string, string | undefined>): WorkerConfig {
  return readConfig(workerSettings, env);
}
