import { isIPv4, isIPv6 } from 'node:net';
import type { Scope } from './keys.js';

/**
 * Which scope each part of the API needs. Grading includes re-judging, reading results and following
 * events: whoever may grade a batch may also repair it. A route under /api that is not listed here needs
 * `admin`, so a new route is closed until someone decides otherwise. Routes outside /api (the probes, the
 * documentation) are open: they reveal nothing about anyone's work.
 */
const API_SCOPES: ReadonlyArray<readonly [prefix: string, scope: Scope]> = [
  ['/api/v1/executions', 'run'],
  ['/api/v1/languages', 'run'],
  ['/api/code', 'run'],
  ['/api/v1/submissions', 'grade'],
  ['/api/v1/batches', 'grade'],
];

const under = (url: string, prefix: string) => url === prefix || url.startsWith(`${prefix}/`);

/** The scope a route needs, or undefined for an open route. */
export function scopeFor(routeUrl: string): Scope | undefined {
  if (!under(routeUrl, '/api')) return undefined;
  return API_SCOPES.find(([prefix]) => under(routeUrl, prefix))?.[1] ?? 'admin';
}

/** `admin` may do everything; every other scope only its own part. */
export function grants(scopes: readonly Scope[], needed: Scope): boolean {
  return scopes.includes(needed) || scopes.includes('admin');
}

/**
 * Whether an address reaches this machine only: `localhost`, 127.0.0.0/8 or ::1 (also written in full or
 * IPv4-mapped). Anything else, host names included, counts as reachable from other machines.
 */
export function isLoopback(address: string): boolean {
  const bare = address
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1');
  if (bare === 'localhost') return true;
  if (isIPv4(bare)) return bare.startsWith('127.');
  if (!isIPv6(bare)) return false;
  // The URL parser writes an IPv6 address in its shortest form (an IPv4-mapped one as ::ffff:7f00:1).
  const short = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  return short === '::1' || /^::ffff:7f[0-9a-f]{2}:/.test(short);
}
