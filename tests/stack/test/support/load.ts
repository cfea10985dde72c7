import { setTimeout as sleep } from 'node:timers/promises';
import type { LimitsRequest } from '@kiln/protocol';
import { type ApiResponse, api } from './http.js';

/**
 * A closed-loop load client: `clients` callers, each sending its next execution as soon as the last one has a
 * final result. A 429 is honoured (wait Retry-After, send again); a 202 (the gateway's wait ran out) is
 * followed by polling; anything else that is not a finished execution is recorded as a failure of the item.
 */

export interface LoadItem {
  index: number;
  language: string;
  /** `normal`, or the attack program's name. */
  kind: string;
  code: string;
  stdin: string;
  limits?: LimitsRequest;
  /** What a normal program must print. */
  stdout?: string;
  /** The status it must end with: `ok` for a normal program; for an attack, the one it gets when alone. */
  status: string;
}

export interface Outcome {
  item: LoadItem;
  /** From the first POST to the final result, 429 waits and polling included. */
  latencyMs: number;
  /** The finished execution's result, when there is one. */
  // biome-ignore lint/suspicious/noExplicitAny: checked field by field by the test
  result?: any;
  /** Why there is no result (a 5xx, another unexpected answer, a network error, no result in time). */
  failure?: string;
  polled: boolean;
}

export interface Tally {
  refused429: number;
  /** Every 5xx answer seen, POST or GET. */
  serverErrors: number;
}

const POLL_MS = 250;
const POLL_DEADLINE_MS = 180_000;

/** One API call, sent again after each 429 once its Retry-After has passed. */
async function call(tally: Tally, method: string, path: string, body?: unknown): Promise<ApiResponse> {
  for (;;) {
    const response = await api(method, path, body);
    if (response.status >= 500) tally.serverErrors++;
    if (response.status !== 429) return response;
    tally.refused429++;
    const retryAfter = Number(response.headers.get('retry-after'));
    if (!Number.isInteger(retryAfter) || retryAfter < 0) return response;
    await sleep(retryAfter * 1000);
  }
}

async function runOne(item: LoadItem, tally: Tally): Promise<Outcome> {
  const started = performance.now();
  const done = (fields: Partial<Outcome>): Outcome => ({
    item,
    latencyMs: performance.now() - started,
    polled: false,
    ...fields,
  });
  try {
    const body = { language: item.language, code: item.code, stdin: item.stdin, limits: item.limits };
    const created = await call(tally, 'POST', '/api/v1/executions', body);
    if (created.status === 200) return done({ result: created.json.result });
    if (created.status !== 202) return done({ failure: `POST answered ${created.status}: ${created.text}` });
    const deadline = Date.now() + POLL_DEADLINE_MS;
    while (Date.now() < deadline) {
      await sleep(POLL_MS);
      const polled = await call(tally, 'GET', `/api/v1/executions/${created.json.id}`);
      if (polled.status !== 200) return done({ failure: `GET answered ${polled.status}`, polled: true });
      if (polled.json.state === 'finished') return done({ result: polled.json.result, polled: true });
    }
    return done({ failure: `no result ${POLL_DEADLINE_MS} ms after 202`, polled: true });
  } catch (err) {
    return done({ failure: `request failed: ${(err as Error).message}` });
  }
}

/** Run every item over `clients` concurrent callers; outcomes in item order. */
export async function runLoad(items: readonly LoadItem[], clients: number) {
  const tally: Tally = { refused429: 0, serverErrors: 0 };
  const outcomes: Outcome[] = new Array(items.length);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let index = next++; index < items.length; index = next++) {
        outcomes[index] = await runOne(items[index]!, tally);
      }
    }),
  );
  return { outcomes, tally, wallMs: performance.now() - started };
}

/** The q-quantile (0..1) by the nearest-rank method. */
export function percentile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}
