import Type, { type Static } from 'typebox';
import { type Language, LanguageSchema } from './languages.js';
import { LimitsSchema } from './limits.js';

/**
 * The gateway ⇄ worker contract over BullMQ: one queue per language, one job per execution, job id =
 * execution id (so a retried job can never produce a second result), job return value = ExecutionResult.
 */

/** BullMQ key prefix for every Kiln queue. */
export const QUEUE_PREFIX = 'kiln';

export function queueName(language: Language): string {
  return `executions-${language}`;
}

export const EXECUTION_JOB_NAME = 'execute';

export const ExecutionJobSchema = Type.Object({
  id: Type.String(),
  language: LanguageSchema,
  code: Type.String(),
  stdin: Type.String(),
  /** Already resolved against the server's defaults and maximums by the gateway. */
  limits: LimitsSchema,
  /** Where the finished result is POSTed, signed (webhooks). */
  callbackUrl: Type.Optional(Type.String()),
});
export type ExecutionJob = Static<typeof ExecutionJobSchema>;

/**
 * Executor presence, published by every worker: a Redis hash whose fields are `<language>|<address>` and
 * whose values are ExecutorPresence JSON. An entry older than PRESENCE_STALE_MS is a replica nobody sees.
 */
export const PRESENCE_KEY = 'kiln:executors';
export const PRESENCE_INTERVAL_MS = 5_000;
export const PRESENCE_STALE_MS = 15_000;

export const ExecutorPresenceSchema = Type.Object({
  language: LanguageSchema,
  address: Type.String(),
  version: Type.String(),
  slots: Type.Integer(),
  busy: Type.Integer(),
  worker: Type.String(),
  seenAt: Type.Integer({ description: 'Unix time in ms of the last refresh' }),
});
export type ExecutorPresence = Static<typeof ExecutorPresenceSchema>;
