import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Language } from '@kiln/protocol';
import { startAgent } from '../../src/main.js';
import { TestClient } from './client.js';

/**
 * Host tests use their own uids, 10000 above the images' (python 71000, javascript 72000, cpp 73000):
 * the helper kills every process of a slot's uid, and executor containers on the same host use the
 * images' uids.
 */
export const TEST_UID_BASE: Record<Language, number> = { python: 71000, javascript: 72000, cpp: 73000 };

const agentDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const executorsDir = resolve(agentDir, '..');

export interface TestAgent {
  port: number;
  token: string;
  root: string;
  client: TestClient;
  connect(token?: string | null): Promise<TestClient>;
  /** Resolves once every slot is free again: results are sent before the slot is cleaned. */
  idle(): Promise<void>;
  stop(graceMs?: number): Promise<void>;
}

/**
 * The real agent, in this process, on the host: real uids, real rlimits, the host's python3, node and g++,
 * the language table its image uses. Needs root (the tests run as root, as CI does).
 */
export async function startTestAgent(
  language: Language,
  env: Record<string, string> = {},
  token = `test-token-${Math.random().toString(36).slice(2)}-${Date.now()}`,
): Promise<TestAgent> {
  if (process.getuid?.() !== 0) throw new Error('the agent tests run real sandboxes and need root');
  const root = mkdtempSync(join(tmpdir(), 'kiln-agent-test-'));
  chmodSync(root, 0o711);
  const tokenFile = join(root, 'token');
  writeFileSync(tokenFile, token, { mode: 0o400 });
  const agent = await startAgent({
    KILN_LANGUAGE_FILE: join(executorsDir, language, 'language.json'),
    KILN_HOST: '127.0.0.1',
    KILN_PORT: '0',
    KILN_TOKEN_FILE: tokenFile,
    KILN_WORK_ROOT: join(root, 'sandbox'),
    KILN_CACHE_DIR: join(root, 'cache'),
    KILN_RUNNER: join(agentDir, 'dist/kiln-run'),
    KILN_SCRATCH_DIRS: '/tmp:/dev/shm',
    KILN_EXIT_WHEN_DIRTY: 'false',
    KILN_UID_BASE: String(TEST_UID_BASE[language]),
    LOG_LEVEL: 'warn',
    ...env,
  });
  const connect = (given: string | null = token) => TestClient.connect(agent.port, given);
  const client = await connect();
  await client.hello();
  return {
    port: agent.port,
    token,
    root,
    client,
    connect,
    async idle() {
      for (let i = 0; i < 500; i++) {
        const health = (await (await fetch(`http://127.0.0.1:${agent.port}/healthz`)).json()) as {
          busy: number;
        };
        if (health.busy === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      throw new Error('the agent did not become idle within 5 s');
    },
    async stop(graceMs = 5000) {
      client.close();
      await agent.stop(graceMs);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Every slot dir at its baseline: none, an empty one, or a warm start's, which root still holds (0711)
 * and which holds nothing but the FIFO the waiting interpreter reads its source from (see kiln-run.c).
 */
export function slotDirsAtBaseline(root: string): Array<{ slot: string; entries: string[]; gate: boolean }> {
  const sandbox = join(root, 'sandbox');
  return readdirSync(sandbox).map((slot) => {
    const dir = join(sandbox, slot);
    const entries = readdirSync(dir);
    const stat = lstatSync(dir);
    const gate =
      entries.length === 1 &&
      lstatSync(join(dir, entries[0]!)).isFIFO() &&
      stat.uid === 0 &&
      (stat.mode & 0o777) === 0o711;
    return { slot, entries, gate };
  });
}
