import type { LookupAddress } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { Agent } from 'undici';
import { WebhookAttemptError, WebhookTargetError } from './errors.js';
import { bareHostname, checkCallbackUrl } from './url-policy.js';

export interface TargetPolicy {
  allowPrivate: boolean;
  /** Resolves a host name to all its addresses. */
  lookup: (hostname: string) => Promise<string[]>;
  /** Which resolved addresses are refused unless allowPrivate. */
  isPrivate: (address: string) => boolean;
}

/** The host of a callback URL and the addresses a delivery to it may connect to. */
export interface CheckedTarget {
  host: string;
  addresses: LookupAddress[];
}

export async function lookupAll(hostname: string): Promise<string[]> {
  const addresses = await dnsLookup(hostname, { all: true, verbatim: true });
  return addresses.map((entry) => entry.address);
}

/**
 * The URL policy again, at delivery time (the job may have been queued under another policy), then the
 * host's addresses: resolved once, here, and refused as a whole when any of them is private. Throws a
 * WebhookTargetError (for good) or, when the name does not resolve, a WebhookAttemptError (retried).
 */
export async function checkTarget(url: string, policy: TargetPolicy): Promise<CheckedTarget> {
  const refused = checkCallbackUrl(url, { allowPrivate: policy.allowPrivate });
  if (refused) throw new WebhookTargetError(refused);
  const host = bareHostname(new URL(url));
  // An IP literal was judged by checkCallbackUrl, and the connection never resolves it.
  const family = isIP(host);
  if (family !== 0) return { host, addresses: [{ address: host, family }] };
  let addresses: string[];
  try {
    addresses = await policy.lookup(host);
  } catch (err) {
    throw new WebhookAttemptError(`could not resolve ${host}`, undefined, { cause: err });
  }
  // Anything but IP addresses would be resolved again by the connector, past the check.
  if (addresses.length === 0 || addresses.some((address) => isIP(address) === 0)) {
    throw new WebhookAttemptError(`could not resolve ${host}`);
  }
  if (!policy.allowPrivate && addresses.some(policy.isPrivate)) {
    throw new WebhookTargetError(`callbackUrl host ${host} resolves to a private address`);
  }
  return { host, addresses: addresses.map((address) => ({ address, family: isIP(address) })) };
}

/**
 * An undici Agent whose connections go to the target's checked addresses and nowhere else. Its lookup
 * hands the connector those addresses instead of asking DNS again: a second resolution could answer with
 * a private address the check never saw (DNS rebinding). Only the address is pinned: the connection is
 * still made for the URL's host name, so TLS sends it as SNI and verifies the certificate against it.
 */
export function connectOnlyTo(target: CheckedTarget): Agent {
  const lookup: LookupFunction = (hostname, options, callback) => {
    const wanted = target.addresses.filter((entry) => !options.family || entry.family === options.family);
    const first = wanted[0];
    // With redirect: manual the target's host is the only one this Agent connects to; anything else was
    // never checked.
    if (hostname.replace(/\.$/, '').toLowerCase() !== target.host || !first) {
      const err = Object.assign(new Error(`no checked address for ${hostname}`), { code: 'ENOTFOUND' });
      callback(err, '', 0);
      return;
    }
    if (options.all) callback(null, wanted);
    else callback(null, first.address, first.family);
  };
  return new Agent({ connect: { lookup } });
}
