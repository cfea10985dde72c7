import { readFileSync } from 'node:fs';
import { type ApiKey, duplicateProblems, parseKeyEntries } from './keys.js';
import { isLoopback } from './policy.js';

/** The access-control part of the gateway's configuration; config.ts reads the environment and calls these. */

/** The keys of KILN_API_KEYS and of KILN_API_KEYS_FILE (a mounted secret), together. */
export function readApiKeys(
  inline: string | undefined,
  file: string | undefined,
  problems: string[],
): ApiKey[] {
  const keys = inline ? parseKeyEntries(inline, 'KILN_API_KEYS', problems) : [];
  if (file) {
    try {
      const fromFile = parseKeyEntries(readFileSync(file, 'utf8'), 'KILN_API_KEYS_FILE', problems);
      // An empty file would silently open the API that the operator meant to close.
      if (fromFile.length === 0) problems.push(`KILN_API_KEYS_FILE (${file}) holds no key`);
      keys.push(...fromFile);
    } catch (err) {
      problems.push(`KILN_API_KEYS_FILE could not be read: ${(err as Error).message}`);
    }
  }
  problems.push(...duplicateProblems(keys));
  return keys;
}

/**
 * An API without keys runs anyone's code: it may start only where nothing but this machine reaches it.
 * Inside a container the gateway listens on 0.0.0.0 and what decides is the address compose publishes it
 * on (KILN_PUBLISHED_BIND); run directly, the address it listens on (KILN_HOST).
 */
export function openApiProblem(
  keyCount: number,
  host: string,
  publishedBind: string | undefined,
): string | undefined {
  if (keyCount > 0 || isLoopback(host)) return undefined;
  if (publishedBind !== undefined && isLoopback(publishedBind)) return undefined;
  const [where, fix] =
    publishedBind === undefined
      ? [`listens on ${host}`, 'KILN_HOST=127.0.0.1']
      : [`is published on ${publishedBind}`, 'KILN_BIND=127.0.0.1'];
  return (
    `no API keys are configured and the gateway ${where}, where other machines can reach it: set ` +
    `KILN_API_KEYS or KILN_API_KEYS_FILE (see "Access control" in the README), or bind to localhost (${fix})`
  );
}
