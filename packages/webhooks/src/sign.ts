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
