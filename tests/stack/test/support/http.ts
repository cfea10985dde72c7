import { execFileSync } from 'node:child_process';
import { inject } from 'vitest';

let current: string | undefined;
/**
 * The gateway's URL. Read from Docker rather than taken once from the setup: a restarted gateway container
 * (one of the fault tests) gets a new random host port.
 */
export const baseUrl = () => (current ??= gatewayUrl());

export function refreshBaseUrl(): void {
  current = gatewayUrl();
}

function gatewayUrl(): string {
  const [gateway] = containersOf('gateway');
  if (!gateway) return inject('baseUrl');
  return `http://${docker('port', gateway, '5000/tcp').split('\n')[0]!.trim()}`;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: the tests assert the JSON's shape themselves
  json: any;
  text: string;
}

export async function api(method: string, path: string, body?: unknown): Promise<ApiResponse> {
  const response = await fetch(`${baseUrl()}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** Containers of one compose service in the test project, by id. */
export function containersOf(service: string): string[] {
  const out = execFileSync('docker', [
    'ps',
    '-q',
    '--filter',
    `label=com.docker.compose.project=${inject('project')}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
  ]);
  return out.toString().split('\n').filter(Boolean);
}

export function docker(...args: string[]): string {
  return execFileSync('docker', args).toString();
}

export async function until<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
