import type { FastifyInstance } from 'fastify';

/** One Server-Sent Event as the gateway writes them: a name and one `data:` line of JSON. */
export interface StreamedEvent {
  event: string;
  data: unknown;
}

/**
 * Listen on a free loopback port and answer the gateway's base URL. Event streams need real HTTP:
 * `inject` only answers once the response has ended.
 */
export async function listen(gateway: FastifyInstance): Promise<string> {
  await gateway.listen({ port: 0, host: '127.0.0.1' });
  const address = gateway.server.address();
  if (address === null || typeof address === 'string') throw new Error('the gateway is not on a TCP port');
  return `http://127.0.0.1:${address.port}`;
}

/** GET an event stream; resolves once its headers have arrived (the events are still to come). */
export function openStream(url: string): Promise<Response> {
  return fetch(url, { headers: { accept: 'text/event-stream' }, signal: AbortSignal.timeout(15_000) });
}

/** Every event of a stream, read until the server ends it; comment lines (heartbeats) are skipped. */
export async function readEvents(response: Response): Promise<StreamedEvent[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((block) => block.trim() !== '')
    .flatMap((block) => {
      const lines = block.split('\n').filter((line) => !line.startsWith(':'));
      if (lines.length === 0) return [];
      const field = (name: string) =>
        lines.find((line) => line.startsWith(`${name}: `))?.slice(name.length + 2) ?? '';
      return [{ event: field('event'), data: JSON.parse(field('data')) as unknown }];
    });
}
