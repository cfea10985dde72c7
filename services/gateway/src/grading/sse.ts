import type { FastifyReply, FastifyRequest } from 'fastify';

/** How often a comment line keeps an idle event stream (and the proxies on its way) open. */
const HEARTBEAT_MS = 15_000;

export interface EventStream {
  send(event: string, data: unknown): void;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  end(): void;
}

/**
 * Take the response over as a Server-Sent Events stream (text/event-stream): `event:` and one `data:` line
 * of JSON per event, a comment line every HEARTBEAT_MS.
 */
export function openEventStream(request: FastifyRequest, reply: FastifyReply): EventStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    // nginx and friends must pass events through as they come.
    'x-accel-buffering': 'no',
  });
  raw.write(': kiln event stream\n\n');
  const controller = new AbortController();
  const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), HEARTBEAT_MS);
  const close = () => {
    clearInterval(heartbeat);
    controller.abort();
  };
  request.raw.on('close', close);
  raw.on('close', close);
  return {
    signal: controller.signal,
    send(event, data) {
      if (!raw.writableEnded) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    end() {
      close();
      if (!raw.writableEnded) raw.end();
    },
  };
}
