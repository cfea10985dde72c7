import { createHash, randomBytes } from 'node:crypto';

/** An API key as the README says to make one, and the configuration entry that holds only its hash. */
export interface TestKey {
  readonly key: string;
  readonly sha256: string;
  readonly entry: string;
}

/** `openssl rand -hex 32`, and the entry `name:scopes[:per_minute]=<sha256 hex>` for it. */
export function makeKey(name: string, scopes: string, perMinute?: number): TestKey {
  const key = randomBytes(32).toString('hex');
  const sha256 = createHash('sha256').update(key).digest('hex');
  const rate = perMinute === undefined ? '' : `:${perMinute}`;
  return { key, sha256, entry: `${name}:${scopes}${rate}=${sha256}` };
}

export const bearer = (key: TestKey) => ({ authorization: `Bearer ${key.key}` });
