import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { runCli } from '../src/cli.js';

/** Run the CLI in this process, against a stub fetch standing in for the gateway. */

export interface Call {
  method: string;
  path: string;
  headers: Headers;
  body: unknown;
}
export type Route = (call: Call) => Response | Promise<Response>;

/** A fresh temporary folder per test; returns a getter for it. */
export function withTempDir(): () => string {
  let dir = '';
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'kiln-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  return () => dir;
}

export async function kiln(
  argv: string[],
  route: Route,
  options: { stdin?: string; env?: Record<string, string> } = {},
) {
  const out = { stdout: '', stderr: '' };
  const calls: Call[] = [];
  let stdinRead = false;
  const code = await runCli(argv, {
    env: { KILN_URL: 'http://kiln.test', ...options.env },
    stdin: {
      isTTY: options.stdin === undefined,
      read: async () => {
        stdinRead = true;
        return options.stdin ?? '';
      },
    },
    stdout: {
      isTTY: false,
      write: (text) => {
        out.stdout += text;
      },
    },
    stderr: {
      isTTY: false,
      write: (text) => {
        out.stderr += text;
      },
    },
    fetch: async (input, init) => {
      const url = new URL(String(input));
      const body = typeof init?.body === 'string' ? JSON.parse(init.body) : undefined;
      const call = {
        method: init?.method ?? 'GET',
        path: url.pathname + url.search,
        headers: new Headers(init?.headers),
        body,
      };
      calls.push(call);
      return route(call);
    },
  });
  return { code, ...out, calls, stdinRead };
}

export const json = (body: unknown, status = 200, headers: Record<string, string> = {}): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

export const sse = (...events: [string, unknown][]): Response =>
  new Response(events.map(([name, data]) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`).join(''), {
    headers: { 'content-type': 'text/event-stream' },
  });
