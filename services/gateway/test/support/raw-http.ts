import { connect } from 'node:net';
import type { Answer } from './fuzz.js';

/**
 * HTTP/1.1 by hand over a socket, for what neither fetch nor inject can send: invalid UTF-8, a body shorter
 * or longer than its Content-Length, malformed request lines and headers.
 */

export interface RawExchange {
  /** Every response the server wrote on the connection, in order. */
  answers: Answer[];
  /** Bytes after the last complete response (a response cut short). */
  rest: string;
  /** The server closed the connection (rather than the client giving up after timeoutMs). */
  closed: boolean;
}

/** Split what a server wrote into responses: by Content-Length, chunked encoding, or to the end. */
export function parseResponses(data: Buffer): { answers: Answer[]; rest: string } {
  const answers: Answer[] = [];
  let at = 0;
  while (at < data.length) {
    const end = data.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const [statusLine = '', ...lines] = data.subarray(at, end).toString('latin1').split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1]);
    if (!Number.isInteger(status)) break;
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    let bodyStart = end + 4;
    let body: Buffer;
    if (headers['transfer-encoding'] === 'chunked') {
      const chunks: Buffer[] = [];
      for (;;) {
        const sizeEnd = data.indexOf('\r\n', bodyStart);
        const size = Number.parseInt(data.subarray(bodyStart, sizeEnd).toString('latin1'), 16);
        if (sizeEnd < 0 || !Number.isInteger(size))
          return { answers, rest: data.subarray(at).toString('latin1') };
        chunks.push(data.subarray(sizeEnd + 2, sizeEnd + 2 + size));
        bodyStart = sizeEnd + 2 + size + 2;
        if (size === 0) break;
      }
      body = Buffer.concat(chunks);
    } else {
      const length =
        headers['content-length'] === undefined ? data.length - bodyStart : Number(headers['content-length']);
      if (bodyStart + length > data.length) break;
      body = data.subarray(bodyStart, bodyStart + length);
      bodyStart += length;
    }
    answers.push({ status, headers, body: body.toString('utf8') });
    at = bodyStart;
  }
  return { answers, rest: data.subarray(at).toString('latin1') };
}

/**
 * Write `parts` (separate writes, so a character may be split between TCP segments) on a new connection and
 * collect what comes back until the server closes or `timeoutMs` passes. With `end`, the sending side is
 * closed after the last part: Node then aborts a request still in progress (its default, allowHalfOpen
 * false), so a request that should be answered is sent with `Connection: close` instead.
 */
export function exchange(
  port: number,
  parts: Buffer[],
  end = false,
  timeoutMs = 3_000,
): Promise<RawExchange> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let closed = false;
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk) => received.push(chunk));
    socket.on('error', () => {});
    socket.on('end', () => {
      closed = true;
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ ...parseResponses(Buffer.concat(received)), closed });
    });
    socket.on('connect', async () => {
      for (const part of parts) {
        socket.write(part);
        // Let each part leave as its own segment.
        await new Promise((next) => setImmediate(next));
      }
      if (end) socket.end();
    });
  });
}

/** A request head: request line and headers, CRLF-terminated, as bytes. */
export function head(requestLine: string, headers: ReadonlyArray<[string, string]>): Buffer {
  const lines = [requestLine, ...headers.map(([name, value]) => `${name}: ${value}`)];
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
}
