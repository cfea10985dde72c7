import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * API keys as the operator configures them: `name:scope1+scope2[:per_minute]=<sha256 hex of the key>`.
 * Only the key's SHA-256 is ever configured or held, so a leaked environment, file or log gives no key.
 */

export const SCOPES = ['run', 'grade', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** A configured key: who it is, what it may do, its own requests per minute, and the hash to match. */
export interface ApiKey {
  readonly name: string;
  readonly scopes: readonly Scope[];
  /** Requests per minute for this key; absent: KILN_RATE_LIMIT_PER_MINUTE. */
  readonly ratePerMinute?: number;
  /** SHA-256 of the key, lower-case hex. */
  readonly sha256: string;
}

const ENTRY = /^([^:=]*):([^:=]*)(?::([^:=]*))?=(.*)$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const SHA256_HEX = /^[0-9a-fA-F]{64}$/;
const MAX_RATE = 1_000_000;

function isScope(text: string): text is Scope {
  return (SCOPES as readonly string[]).includes(text);
}

/**
 * One entry, or the problems with it. A problem names the entry by its place (and its name when it has a
 * valid one) but never quotes it: a key pasted where its hash belongs must not end up in a log.
 */
function parseEntry(entry: string, where: string): ApiKey | string[] {
  const match = ENTRY.exec(entry);
  if (!match) return [`${where} must be name:scopes[:per_minute]=<sha256 hex of the key>`];
  const [, name = '', scopeText = '', rateText, hash = ''] = match;
  const label = NAME.test(name) ? `${where} ("${name}")` : where;
  const problems: string[] = [];
  if (!NAME.test(name))
    problems.push(`${where} needs a name of letters, digits, ".", "_" or "-" (at most 64)`);
  const scopes = scopeText.split('+');
  const unknown = scopes.filter((scope) => !isScope(scope));
  if (unknown.length > 0) {
    const shown = unknown.map((scope) => `"${scope.slice(0, 20)}"`).join(', ');
    problems.push(`${label} has unknown scope ${shown}; scopes are ${SCOPES.join(', ')}, joined by "+"`);
  }
  const rate = rateText === undefined ? undefined : /^\d+$/.test(rateText) ? Number(rateText) : Number.NaN;
  if (rate !== undefined && !(Number.isInteger(rate) && rate >= 1 && rate <= MAX_RATE)) {
    problems.push(
      `${label} has a rate limit that is not a whole number of requests per minute, 1 to ${MAX_RATE}`,
    );
  }
  if (!SHA256_HEX.test(hash)) {
    problems.push(`${label} must end in =<the key's SHA-256 as 64 hex digits> (never the key itself)`);
  }
  if (problems.length > 0) return problems;
  return Object.freeze({
    name,
    scopes: Object.freeze([...new Set(scopes)] as Scope[]),
    ...(rate === undefined ? {} : { ratePerMinute: rate }),
    sha256: hash.toLowerCase(),
  });
}

/**
 * Every entry of one source. In KILN_API_KEYS entries are separated by commas or white space; in the file,
 * by lines, with `#` starting a comment. `source` names them in problems ("KILN_API_KEYS entry 2").
 */
export function parseKeyEntries(
  text: string,
  source: 'KILN_API_KEYS' | 'KILN_API_KEYS_FILE',
  problems: string[],
): ApiKey[] {
  const entries =
    source === 'KILN_API_KEYS'
      ? text.split(/[\s,]+/).map((entry, index) => ({ entry, where: `${source} entry ${index + 1}` }))
      : text.split('\n').map((line, index) => ({
          entry: line.replace(/#.*$/, '').trim(),
          where: `${source} line ${index + 1}`,
        }));
  const keys: ApiKey[] = [];
  for (const { entry, where } of entries) {
    if (!entry) continue;
    const parsed = parseEntry(entry, where);
    if (Array.isArray(parsed)) problems.push(...parsed);
    else keys.push(parsed);
  }
  return keys;
}

/** Two entries with one name would share a rate-limit bucket; two with one hash would make a key ambiguous. */
export function duplicateProblems(keys: readonly ApiKey[]): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const hashes = new Map<string, string>();
  for (const key of keys) {
    if (names.has(key.name)) problems.push(`API key name "${key.name}" is configured more than once`);
    names.add(key.name);
    const other = hashes.get(key.sha256);
    if (other !== undefined) problems.push(`API keys "${other}" and "${key.name}" have the same hash`);
    hashes.set(key.sha256, key.name);
  }
  return problems;
}

/** Finds the configured key a presented key belongs to. */
export type KeyMatcher = (presented: string) => ApiKey | undefined;

/**
 * The presented key is hashed and compared with every configured hash in constant time, without stopping
 * at a match: the time taken says nothing about which key (or how much of one) was right.
 */
export function keyMatcher(keys: readonly ApiKey[]): KeyMatcher {
  const hashed = keys.map((key) => ({ key, digest: Buffer.from(key.sha256, 'hex') }));
  return (presented) => {
    const digest = createHash('sha256').update(presented, 'utf8').digest();
    let found: ApiKey | undefined;
    for (const { key, digest: configured } of hashed) {
      if (timingSafeEqual(digest, configured)) found = key;
    }
    return found;
  };
}
