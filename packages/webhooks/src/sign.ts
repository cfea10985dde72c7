import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature scheme, Stripe-style: `Kiln-Signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">` with
 * the shared secret, `Kiln-Timestamp: <Unix seconds>`. The timestamp is inside the MAC, so a captured
 * request cannot be replayed later with a new timestamp; receivers refuse stale ones.
 */
export const SIGNATURE_HEADER = 'Kiln-Signature';
export const TIMESTAMP_HEADER = 'Kiln-Timestamp';
/** The delivery id: the same on every retry of one delivery, so receivers can drop duplicates. */
export const DELIVERY_HEADER = 'Kiln-Delivery';
/** Carries the delivery id too, for receivers that already deduplicate on this conventional header. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
export const EVENT_HEADER = 'Kiln-Event';
/**
 * The same delivery signed by the Standard Webhooks scheme (standardwebhooks.com), for receivers that
 * verify with its libraries: `webhook-signature: v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`.
 */
export const STANDARD_ID_HEADER = 'webhook-id';
export const STANDARD_TIMESTAMP_HEADER = 'webhook-timestamp';
export const STANDARD_SIGNATURE_HEADER = 'webhook-signature';
export const USER_AGENT = 'Kiln-Webhooks/1';
export const DEFAULT_TOLERANCE_SECONDS = 300;

const VERSION = 'v1';

function mac(secret: string, timestamp: number, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
}

/** `v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`; `timestamp` is in Unix seconds. */
export function signPayload(secret: string, timestamp: number, body: string): string {
  return `${VERSION}=${mac(secret, timestamp, body).toString('hex')}`;
}

export interface VerifyOptions {
  secret: string;
  /** The raw request body, exactly as received (parse the JSON only after verifying). */
  body: string | Uint8Array;
  /** The Kiln-Timestamp header. */
  timestamp: string | number | undefined;
  /** The Kiln-Signature header. */
  signature: string | undefined;
  /** How far the timestamp may be from `now`, either way. */
  toleranceSeconds?: number;
  /** Unix seconds; the clock by default. */
  now?: number;
}

/** True only for a well-formed, fresh timestamp and a signature made with `secret` over this body. */
export function verifySignature(options: VerifyOptions): boolean {
  const { secret, body, signature, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = options;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const timestamp = parseTimestamp(options.timestamp);
  if (timestamp === undefined || Math.abs(now - timestamp) > toleranceSeconds) return false;
  const match = /^v1=([0-9a-f]{64})$/.exec(signature?.trim() ?? '');
  if (!match?.[1]) return false;
  // Both sides are 32 bytes here, so timingSafeEqual never throws and leaks nothing about the secret.
  return timingSafeEqual(Buffer.from(match[1], 'hex'), mac(secret, timestamp, body));
}

function parseTimestamp(value: string | number | undefined): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (value === undefined || !/^\d{1,12}$/.test(value)) return undefined;
  return Number(value);
}

/**
 * The Kiln secret in the form Standard Webhooks libraries take (`new Webhook(whsec)`): their key is the
 * base64-decoded part after `whsec_`, and ours is the UTF-8 bytes of the secret, which Kiln-Signature
 * uses as they are. So one secret serves both schemes, and nothing else has to be shared.
 */
export function standardWebhooksSecret(secret: string): string {
  return `whsec_${Buffer.from(secret, 'utf8').toString('base64')}`;
}

function standardMac(secret: string, id: string, timestamp: number, body: string | Uint8Array): Buffer {
  return createHmac('sha256', secret).update(`${id}.${timestamp}.`).update(body).digest();
}

/** `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">`, keyed with the UTF-8 bytes of `secret`. */
export function signStandardWebhook(secret: string, id: string, timestamp: number, body: string): string {
  return `v1,${standardMac(secret, id, timestamp, body).toString('base64')}`;
}

export interface VerifyStandardOptions extends Omit<VerifyOptions, 'timestamp' | 'signature'> {
  /** The webhook-id header. */
  id: string | undefined;
  /** The webhook-timestamp header (the same value as Kiln-Timestamp). */
  timestamp: string | number | undefined;
  /** The webhook-signature header: one or more space-separated `v1,<base64>` signatures. */
  signature: string | undefined;
}

/**
 * True only for a fresh timestamp, an id, and at least one `v1` signature in the list made with `secret`
 * (the Kiln secret, not its whsec_ form). Other versions in the list are ignored, as the spec says.
 */
export function verifyStandardWebhook(options: VerifyStandardOptions): boolean {
  const { secret, id, body, signature, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = options;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  const timestamp = parseTimestamp(options.timestamp);
  if (timestamp === undefined || Math.abs(now - timestamp) > toleranceSeconds) return false;
  if (!id || signature === undefined) return false;
  const expected = standardMac(secret, id, timestamp, body);
  return signature.split(' ').some((candidate) => {
    const match = /^v1,([A-Za-z0-9+/]{43}=)$/.exec(candidate);
    // 43 base64 digits and `=` are 32 bytes, like `expected`: timingSafeEqual never throws here.
    return match?.[1] !== undefined && timingSafeEqual(Buffer.from(match[1], 'base64'), expected);
  });
}
