import { baseUrl } from './http.js';

/** One Server-Sent Event as the gateway writes them: a name and one `data:` line of JSON. */
export interface StreamedEvent {
  event: string;
  // biome-ignore lint/suspicious/noExplicitAny: the tests assert the JSON's shape themselves
  data: any;
}

/**
 * GET an event stream and read it until the server ends it; comment lines (heartbeats) are skipped. The
 * content type is part of the answer, so it is returned too.
 */
export async function readEventStream(
  path: string,
  timeoutMs = 60_000,
): Promise<{ status: number; contentType: string; events: StreamedEvent[] }> {
  const response = await fetch(`${baseUrl()}${path}`, {
    headers: { accept: 'text/event-stream' },
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  const events = text
    .split('\n\n')
    .map((block) => block.split('\n').filter((line) => line !== '' && !line.startsWith(':')))
    .filter((lines) => lines.length > 0)
    .map((lines) => {
      const field = (name: string) =>
        lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
      return { event: field('event'), data: JSON.parse(field('data')) as unknown };
    });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', events };
}
