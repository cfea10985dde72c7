import { BlockList, isIP } from 'node:net';

export interface CallbackUrlPolicy {
  /** Allow loopback, private and link-local targets: for development and tests, never on a shared host. */
  allowPrivate: boolean;
}

/**
 * Addresses a callback must never reach unless allowPrivate: a callback URL is chosen by the caller, so
 * without this Kiln would POST, from inside its network, to its own Redis, the cloud metadata endpoint
 * (169.254.169.254) or any internal service (SSRF). IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) are
 * matched against the IPv4 rules by BlockList itself.
 */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated, still routed by some networks)
  ['ff00::', 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** True for an IP literal in a loopback, private, link-local or otherwise non-public range. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  return NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** The URL's host without IPv6 brackets or a trailing dot, as dns.lookup and isIP expect it. */
export function bareHostname(url: URL): string {
  return url.hostname
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '')
    .toLowerCase();
}

/**
 * Why `url` may not be a callback, or undefined when it may. Only the URL itself is checked here (at
 * request time, cheaply): a DNS name that resolves to a private address is caught by the webhook
 * processor at delivery time, when the name is resolved.
 */
export function checkCallbackUrl(url: string, policy: CallbackUrlPolicy): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'callbackUrl is not a valid absolute URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return 'callbackUrl must use http or https';
  }
  // Credentials in a URL end up in logs and job data; receivers authenticate Kiln by the signature.
  if (parsed.username !== '' || parsed.password !== '') {
    return 'callbackUrl must not contain credentials';
  }
  if (policy.allowPrivate) return undefined;
  const host = bareHostname(parsed);
  if (host === 'localhost' || host.endsWith('.localhost')) {
    return 'callbackUrl must not point to localhost';
  }
  // The URL parser has already normalised the other spellings of an IPv4 address (0x7f.1, 2130706433).
  if (isPrivateAddress(host)) {
    return 'callbackUrl must not point to a loopback, private or link-local address';
  }
  return undefined;
}
