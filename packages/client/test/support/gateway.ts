import type { AddressInfo } from 'node:net';
import type { TestRedis } from '@kiln/testing';
import type { FastifyInstance } from 'fastify';
// The gateway's own test fixtures: the real app, a fake BullMQ worker, canned results, presence entries.
import { buildGateway } from '../../../../services/gateway/test/support/gateway.js';

export {
  cannedResult,
  fakeWorker,
  publishPresence,
  redisClient,
  withTestRedis,
} from '../../../../services/gateway/test/support/gateway.js';

export interface TestGateway {
  readonly app: FastifyInstance;
  readonly baseUrl: string;
}

/** The real gateway app, built as its own tests build it, listening on a loopback port for the client. */
export async function startGateway(redis: TestRedis, env: Record<string, string> = {}): Promise<TestGateway> {
  const gateway = await buildGateway(redis, env);
  await gateway.listen({ host: '127.0.0.1', port: 0 });
  const { port } = gateway.server.address() as AddressInfo;
  return { app: gateway, baseUrl: `http://127.0.0.1:${port}` };
}
