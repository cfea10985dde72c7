import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';

const REDIS = { KILN_REDIS_URL: 'redis://redis:6379' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('parseConfig', () => {
  it('fills every default', () => {
    expect(parseConfig(REDIS)).toEqual({
      redis: { host: 'redis', port: 6379, db: 0 },
      tokenFile: '/run/secrets/worker_token',
      executors: {
        python: { host: 'executor-python', port: 8765 },
        javascript: { host: 'executor-javascript', port: 8765 },
        cpp: { host: 'executor-cpp', port: 8765 },
      },
      resolveIntervalMs: 5_000,
      slotWaitMs: 60_000,
      runGraceMs: 30_000,
      shutdownGraceMs: 70_000,
      healthPort: 8081,
      logLevel: 'info',
      gradingConcurrency: 0,
      gradingOutputKb: 4,
      batchConcurrency: 4,
      webhookSecret: undefined,
      webhookSecretFile: '/run/secrets/webhook_secret',
      webhookTimeoutMs: 10_000,
      webhookAttempts: 8,
      webhookBackoffMs: 30_000,
      webhookAllowPrivate: false,
    });
  });

  it('reads the Redis connection as the gateway does: the password file over the URL, TLS for rediss://', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-worker-config-'));
    const file = join(dir, 'redis_password');
    writeFileSync(file, 'p@ss:word\n');
    const config = parseConfig({
      KILN_REDIS_URL: 'rediss://:in-the-url@cache:6380/1',
      KILN_REDIS_PASSWORD_FILE: file,
    });
    rmSync(dir, { recursive: true });
    expect(config.redis).toEqual({ host: 'cache', port: 6380, password: 'p@ss:word', db: 1, tls: {} });
  });

  it('reads overrides, KILN_LOG_LEVEL, and booleans as true/false/1/0', () => {
    const config = parseConfig({
      ...REDIS,
      KILN_EXECUTOR_PYTHON: '127.0.0.1:9000',
      KILN_GRADING_CONCURRENCY: ' 3 ',
      KILN_WEBHOOK_SECRET: '',
      KILN_WEBHOOK_ALLOW_PRIVATE: '1',
      KILN_LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      executors: { python: { host: '127.0.0.1', port: 9000 } },
      gradingConcurrency: 3,
      webhookSecret: undefined,
      webhookAllowPrivate: true,
      logLevel: 'debug',
    });
    expect(Object.isFrozen(config.executors.python)).toBe(true);
  });

  it('reports every problem at once, never quoting the webhook secret or the Redis URL', () => {
    const problems = problemsOf({
      KILN_REDIS_URL: 'http://:hunter2@redis',
      KILN_EXECUTOR_CPP: 'executor-cpp',
      KILN_SLOT_WAIT_MS: '1.5',
      KILN_WEBHOOK_ALLOW_PRIVATE: 'yes',
      KILN_LOG_LEVEL: 'loud',
    });
    expect(problems).toEqual([
      'KILN_REDIS_URL must match pattern "^rediss?://"',
      'KILN_EXECUTOR_CPP must be host:port, got "executor-cpp"',
      'KILN_SLOT_WAIT_MS must be integer, got "1.5"',
      'KILN_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'KILN_WEBHOOK_ALLOW_PRIVATE must be true, false, 1 or 0, got "yes"',
    ]);
    expect(problemsOf({})).toEqual(['KILN_REDIS_URL is required']);
  });
});
