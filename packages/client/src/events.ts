import { KilnApiError, KilnNetworkError } from './errors.js';
import { describeCall, type HttpSettings, openEventStream } from './http.js';
import { readEvents } from './sse.js';

export interface EventsOptions {
  /** Ends the stream early; the iteration then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** The typed events of one stream: `progress` while the work runs, `finished` last. */
type FollowedEvent<P, F> = { type: 'progress'; data: P } | { type: 'finished'; data: F };

/**
 * Follow a grading event stream until its `finished` event, then close it. Events of other names are skipped,
 * so the gateway may add some without breaking older clients. A stream that ends before `finished` (a proxy's
 * idle cut, a restarted gateway) is a KilnNetworkError: read the resource again, or follow it anew.
 */
export async function* followEvents<P, F>(
  settings: HttpSettings,
  path: string,
  timeoutMs: number,
  options: EventsOptions,
): AsyncGenerator<FollowedEvent<P, F>> {
  const call = { method: 'GET', path, timeoutMs } as const;
  const what = describeCall(call);
  const stream = await openEventStream(settings, call, options.signal);
  try {
    for await (const raw of readEvents(stream)) {
      if (raw.event !== 'progress' && raw.event !== 'finished') continue;
      let data: unknown;
      try {
        data = JSON.parse(raw.data);
      } catch {
        throw new KilnApiError(200, 'INVALID_RESPONSE', `${what} sent a ${raw.event} event that is not JSON`);
      }
      if (raw.event === 'finished') {
        yield { type: 'finished', data: data as F };
        return;
      }
      yield { type: 'progress', data: data as P };
    }
  } catch (err) {
    if (err instanceof KilnApiError) throw err;
    if (options.signal?.aborted) throw options.signal.reason;
    throw new KilnNetworkError(
      'NETWORK_ERROR',
      `${what} broke off: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  throw new KilnNetworkError('NETWORK_ERROR', `${what} ended before its finished event`);
}
