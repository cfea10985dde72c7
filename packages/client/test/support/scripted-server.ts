import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach } from 'vitest';

/** One answer of the script: a JSON body (an object) or raw text (an event stream, say). */
export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Date.now() when the request's body had arrived. */
  at: number;
}

export interface ScriptedServer {
  readonly baseUrl: string;
  readonly requests: ReceivedRequest[];
}

const open = new Set<() => Promise<void>>();

afterEach(async () => {
  await Promise.all([...open].map((close) => close()));
  open.clear();
});

/**
 * A real HTTP server on a loopback port that answers the n-th request with `answers[n]` (the last one again
 * once the script runs out) and records what it received. It is closed after the test that started it.
 */
export async function scriptedServer(answers: readonly ScriptedAnswer[]): Promise<ScriptedServer> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      requests.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
        at: Date.now(),
      });
      const answer = answers[Math.min(requests.length, answers.length) - 1]!;
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
      const type = typeof answer.body === 'string' ? 'text/plain' : 'application/json';
      res.writeHead(answer.status, { 'content-type': type, ...answer.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  open.add(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  return { baseUrl: `http://127.0.0.1:${port}`, requests };
}

/** The gateway's error body, as a refusal carries it. */
export const refusal = (status: 429 | 503, retryAfter?: string): ScriptedAnswer => ({
  status,
  headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  body: {
    error: { code: status === 429 ? 'QUEUE_FULL' : 'QUEUE_UNAVAILABLE', message: `refused (${status})` },
  },
});
