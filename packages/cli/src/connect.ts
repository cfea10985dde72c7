import { KilnClient } from '@kiln/client';
import type { Server } from './args.js';
import type { Io } from './io.js';

export function connect(server: Server, io: Io): KilnClient {
  return new KilnClient({
    baseUrl: server.url,
    ...(server.apiKey === undefined ? {} : { apiKey: server.apiKey }),
    ...(io.fetch === undefined ? {} : { fetch: io.fetch }),
  });
}
