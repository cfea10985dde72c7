import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';

export interface ReceivedRequest {
  method: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
  /** What the receiver answered; undefined when it never did. */
  status: number | undefined;
}

/** The n-th request's fate (0-based): answer with a status, or never answer. */
export type Answer = (index: number) => number | 'hang';

export interface Receiver {
  url: string;
  requests: ReceivedRequest[];
  close(): Promise<void>;
}

/**
 * A webhook receiver that records every request and answers as told: on a free port of 127.0.0.1 by
 * default, or where `at` says (any 127.x address is the local host too, so a test can run two).
 */
export async function startReceiver(
  answer: Answer,
  at: { host: string; port: number } = { host: '127.0.0.1', port: 0 },
): Promise<Receiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const fate = answer(requests.length);
      const status = fate === 'hang' ? undefined : fate;
      requests.push({
        method: req.method,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
        status,
      });
      if (status === undefined) return;
      const location = status >= 300 && status < 400 ? { location: `${base}/elsewhere` } : {};
      res.writeHead(status, { 'content-type': 'text/plain', ...location }).end(`answered ${status}`);
    });
  });
  server.listen(at.port, at.host);
  await once(server, 'listening');
  const base = `http://${at.host}:${(server.address() as AddressInfo).port}`;
  return {
    url: `${base}/hooks/kiln`,
    requests,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/** A pino logger writing into memory, to assert what the logs do and do not carry. */
export function memoryLogger(): { log: Logger; text: () => string } {
  const lines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  return { log, text: () => lines.join('') };
}

/** A payload that looks like a final execution, with program output we must never see in a log. */
export function finishedExecution(output: string) {
  return { id: 'exec-1', status: 'ok', exitCode: 0, stdout: output, stderr: '', timeMs: 12 };
}
