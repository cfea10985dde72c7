import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../src/config.js';

// Published on localhost, as compose does by default: an API without keys may start there.
const REDIS = { KILN_REDIS_URL: 'redis://:s3cret@redis:6379', KILN_PUBLISHED_BIND: '127.0.0.1' };
const LOCAL = { KILN_PUBLISHED_BIND: '127.0.0.1' };

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
  it('fills every default and derives the Redis connection from the URL', () => {
    expect(parseConfig(REDIS)).toEqual({
      host: '0.0.0.0',
      port: 5000,
      logLevel: 'info',
      redis: { host: 'redis', port: 6379, password: 's3cret', db: 0 },
      limits: {
        defaults: { timeMs: 10_000, cpuTimeMs: 5_000, memoryMb: 128, outputKb: 64 },
        maximums: { timeMs: 30_000, cpuTimeMs: 20_000, memoryMb: 256, outputKb: 1024 },
      },
      maxCodeBytes: 64 * 1024,
      maxStdinBytes: 1024 * 1024,
      bodyLimitBytes: 2 * (64 + 1024) * 1024 + 64 * 1024,
      maxWaitMs: 60_000,
      resultTtlSeconds: 3600,
      resultMaxCount: 10_000,
      jobAttempts: 3,
      jobBackoffMs: 1000,
      maxQueueDepth: 1000,
      maxGradingBodyBytes: 16 * 1024 * 1024,
      webhookAllowPrivate: false,
      apiKeys: [],
      rateLimitPerMinute: 6000,
      publishedBind: '127.0.0.1',
    });
  });

  it('reads overrides, treats empty variables as unset, and freezes the result', () => {
    const config = parseConfig({
      ...LOCAL,
      KILN_REDIS_URL: 'rediss://kiln:pw@cache.internal:6380/2',
      KILN_PORT: '8080',
      KILN_MAX_TIME_MS: '',
      KILN_MAX_QUEUE_DEPTH: ' 5 ',
      KILN_LOG_LEVEL: 'debug',
    });
    expect(config.port).toBe(8080);
    expect(config.limits.maximums.timeMs).toBe(30_000);
    expect(config.maxQueueDepth).toBe(5);
    expect(config.logLevel).toBe('debug');
    expect(config.redis).toEqual({
      host: 'cache.internal',
      port: 6380,
      username: 'kiln',
      password: 'pw',
      db: 2,
      tls: {},
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.limits.defaults)).toBe(true);
  });

  it('reports every problem at once', () => {
    const env = {
      ...LOCAL,
      KILN_PORT: 'http',
      KILN_LOG_LEVEL: 'loud',
      KILN_MAX_TIME_MS: '0',
      KILN_JOB_ATTEMPTS: '1.5',
      KILN_MAX_WAIT_MS: '0x10',
      KILN_DEFAULT_OUTPUT_KB: '2048',
    };
    expect(problemsOf(env)).toEqual([
      'KILN_REDIS_URL is required',
      'KILN_PORT must be integer, got "http"',
      'KILN_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'KILN_MAX_TIME_MS must be >= 1, got "0"',
      'KILN_MAX_WAIT_MS must be integer, got "0x10"',
      'KILN_JOB_ATTEMPTS must be integer, got "1.5"',
      'the default timeMs (10000) is above its maximum (0)',
      'the default outputKb (2048) is above its maximum (1024)',
    ]);
  });

  it('refuses a default above its maximum', () => {
    expect(problemsOf({ ...REDIS, KILN_DEFAULT_MEMORY_MB: '512', KILN_DEFAULT_TIME_MS: '40000' })).toEqual([
      'the default timeMs (40000) is above its maximum (30000)',
      'the default memoryMb (512) is above its maximum (256)',
    ]);
  });

  it('requires a Redis password in production, without ever echoing the URL', () => {
    expect(problemsOf({ ...LOCAL, KILN_REDIS_URL: 'redis://redis:6379', NODE_ENV: 'production' })).toEqual([
      'a Redis password is required when NODE_ENV=production (KILN_REDIS_PASSWORD_FILE or the URL)',
    ]);
    expect(problemsOf({ ...LOCAL, KILN_REDIS_URL: 'http://:hunter2@redis' })).toEqual([
      'KILN_REDIS_URL must match pattern "^rediss?://"',
    ]);
    expect(parseConfig({ ...LOCAL, KILN_REDIS_URL: 'redis://127.0.0.1:6399' }).redis).toEqual({
      host: '127.0.0.1',
      port: 6399,
      db: 0,
    });
  });

  it('reads the Redis password from KILN_REDIS_PASSWORD_FILE, over one in the URL', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiln-config-'));
    const file = join(dir, 'redis_password');
    writeFileSync(file, 'from-the-file\n');
    const env = {
      ...LOCAL,
      KILN_REDIS_URL: 'redis://:in-the-url@redis:6379',
      KILN_REDIS_PASSWORD_FILE: file,
      NODE_ENV: 'production',
    };
    expect(parseConfig(env).redis).toEqual({ host: 'redis', port: 6379, password: 'from-the-file', db: 0 });
    rmSync(dir, { recursive: true });
    expect(problemsOf(env)).toEqual([
      `KILN_REDIS_PASSWORD_FILE could not be read: ENOENT: no such file or directory, open '${file}'`,
    ]);
  });

  it('reads KILN_LOG_LEVEL, and LOG_LEVEL (its former name) only when it is unset', () => {
    expect(parseConfig({ ...REDIS, LOG_LEVEL: 'warn' }).logLevel).toBe('warn');
    expect(parseConfig({ ...REDIS, KILN_LOG_LEVEL: 'error', LOG_LEVEL: 'warn' }).logLevel).toBe('error');
  });

  it('reads booleans as every service does: true or 1, false or 0, in any case', () => {
    for (const [text, value] of [
      ['1', true],
      ['TRUE', true],
      ['0', false],
      ['False', false],
    ] as const) {
      expect(parseConfig({ ...REDIS, KILN_WEBHOOK_ALLOW_PRIVATE: text }).webhookAllowPrivate).toBe(value);
    }
    expect(problemsOf({ ...REDIS, KILN_WEBHOOK_ALLOW_PRIVATE: 'yes' })).toEqual([
      'KILN_WEBHOOK_ALLOW_PRIVATE must be true, false, 1 or 0, got "yes"',
    ]);
  });

  it('turns into one readable message', () => {
    expect(() => parseConfig({})).toThrow('invalid configuration:\n  - KILN_REDIS_URL is required');
  });
});
