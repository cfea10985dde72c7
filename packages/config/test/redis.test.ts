import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, readConfig, redis } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'kiln-config-redis-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

const read = (env: Record<string, string>) => readConfig({ redis }, env).redis;
function problemsOf(env: Record<string, string>): string[] {
  try {
    read(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('the Redis connection', () => {
  it('is read from the URL: host, port, user, password, database, TLS for rediss://', () => {
    expect(read({ KILN_REDIS_URL: 'redis://redis:6379' })).toEqual({ host: 'redis', port: 6379, db: 0 });
    expect(read({ KILN_REDIS_URL: 'rediss://kiln:p%40ss@cache.internal:6380/2' })).toEqual({
      host: 'cache.internal',
      port: 6380,
      username: 'kiln',
      password: 'p@ss',
      db: 2,
      tls: {},
    });
    expect(read({ KILN_REDIS_URL: 'redis://[::1]' })).toEqual({ host: '::1', port: 6379, db: 0 });
  });

  it('takes the password from KILN_REDIS_PASSWORD_FILE, over one in the URL', () => {
    const passwordFile = file('password', 'from-the-file\n');
    expect(
      read({ KILN_REDIS_URL: 'redis://:in-the-url@redis:6379', KILN_REDIS_PASSWORD_FILE: passwordFile }),
    ).toEqual({ host: 'redis', port: 6379, password: 'from-the-file', db: 0 });
  });

  it('reports an unreadable or empty password file', () => {
    const empty = file('empty', '\n');
    expect(problemsOf({ KILN_REDIS_URL: 'redis://redis', KILN_REDIS_PASSWORD_FILE: empty })).toEqual([
      `KILN_REDIS_PASSWORD_FILE (${empty}) is empty`,
    ]);
    const missing = join(dir, 'missing');
    expect(problemsOf({ KILN_REDIS_URL: 'redis://redis', KILN_REDIS_PASSWORD_FILE: missing })).toEqual([
      `KILN_REDIS_PASSWORD_FILE could not be read: ENOENT: no such file or directory, open '${missing}'`,
    ]);
  });

  it('requires the URL and a password in production, and never quotes the URL', () => {
    expect(problemsOf({})).toEqual(['KILN_REDIS_URL is required']);
    expect(problemsOf({ KILN_REDIS_URL: 'redis://redis', NODE_ENV: 'production' })).toEqual([
      'a Redis password is required when NODE_ENV=production (KILN_REDIS_PASSWORD_FILE or the URL)',
    ]);
    const problems = [
      ...problemsOf({ KILN_REDIS_URL: 'http://:hunter2@redis' }),
      ...problemsOf({ KILN_REDIS_URL: 'redis://:hunter2@' }),
      ...problemsOf({ KILN_REDIS_URL: 'redis:///0' }),
      ...problemsOf({ KILN_REDIS_URL: 'redis://:hunter2@redis/x' }),
    ];
    expect(problems).toEqual([
      'KILN_REDIS_URL must match pattern "^rediss?://"',
      'KILN_REDIS_URL must be a URL',
      'KILN_REDIS_URL is not a valid redis:// URL',
      'KILN_REDIS_URL has an invalid database number',
    ]);
    expect(problems.join('\n')).not.toContain('hunter2');
  });
});
