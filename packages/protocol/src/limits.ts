import Type, { type Static } from 'typebox';

/** Per-run limits. A request may give any subset; the rest come from defaults, and none may pass a maximum. */
export const LimitsSchema = Type.Object(
  {
    timeMs: Type.Integer({ minimum: 1, description: 'Wall-clock limit of the run, in milliseconds' }),
    cpuTimeMs: Type.Integer({ minimum: 1, description: 'CPU time limit (user + system), in milliseconds' }),
    memoryMb: Type.Integer({ minimum: 1, description: 'Memory limit, in MiB' }),
    outputKb: Type.Integer({ minimum: 1, description: 'Cap on stdout and on stderr, each, in KiB' }),
  },
  { additionalProperties: false },
);
export type Limits = Static<typeof LimitsSchema>;

export const LimitsRequestSchema = Type.Partial(LimitsSchema, { additionalProperties: false });
export type LimitsRequest = Static<typeof LimitsRequestSchema>;

export const LIMIT_KEYS = [
  'timeMs',
  'cpuTimeMs',
  'memoryMb',
  'outputKb',
] as const satisfies readonly (keyof Limits)[];

export class LimitExceededError extends Error {
  readonly code = 'LIMIT_EXCEEDED';
  constructor(
    readonly limit: keyof Limits,
    readonly requested: number,
    readonly maximum: number,
  ) {
    super(`limits.${limit} is ${requested}, above the server maximum of ${maximum}`);
    this.name = 'LimitExceededError';
    Object.setPrototypeOf(this, LimitExceededError.prototype);
  }
}

/**
 * Fill a request's limits from the defaults and check them against the maximums. A request may lower a
 * limit or raise it up to the maximum, never past it: past it is the caller's mistake, not something to clamp
 * silently.
 */
export function resolveLimits(
  requested: LimitsRequest | undefined,
  defaults: Limits,
  maximums: Limits,
): Limits {
  const resolved = { ...defaults };
  for (const key of LIMIT_KEYS) {
    const value = requested?.[key];
    if (value === undefined) continue;
    if (value > maximums[key]) throw new LimitExceededError(key, value, maximums[key]);
    resolved[key] = value;
  }
  for (const key of LIMIT_KEYS) resolved[key] = Math.min(resolved[key], maximums[key]);
  return resolved;
}
