import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isLoopback } from '../src/access/policy.js';
import { ConfigError, loadConfig, parseConfig } from '../src/config.js';
import { makeKey } from './support/keys.js';

/** The access-control settings: key entries, their problems, and the refusal of an open API on the network. */
const REDIS = { KILN_REDIS_URL: 'redis://redis:6379' };
const LOCAL = { ...REDIS, KILN_PUBLISHED_BIND: '127.0.0.1' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiln-access-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('API keys', () => {
  it('reads entries from KILN_API_KEYS (commas or spaces) and from KILN_API_KEYS_FILE (lines, # comments)', () => {
    const [a, b, c] = [makeKey('ci', 'run'), makeKey('grader', 'grade'), makeKey('ops', 'admin')];
    const path = file('keys', `# staff\n\n  ${c.entry}   # on call\n`);
    // Hex digits in either case: the hash is kept in lower case.
    const inline = ` ${a.entry},\n grader:grade+run:120=${b.sha256.toUpperCase()}`;
    const config = parseConfig({ ...REDIS, KILN_API_KEYS: inline, KILN_API_KEYS_FILE: path });
    expect(config.apiKeys).toEqual([
      { name: 'ci', scopes: ['run'], sha256: a.sha256 },
      { name: 'grader', scopes: ['grade', 'run'], ratePerMinute: 120, sha256: b.sha256 },
      { name: 'ops', scopes: ['admin'], sha256: c.sha256 },
    ]);
    expect(Object.isFrozen(config.apiKeys[0])).toBe(true);
  });

  it('reports every bad entry by its place, never quoting the entry', () => {
    const key = makeKey('x', 'run');
    const entries = [
      key.key, // the key itself, with no name or scope
      `ci:run=${key.key.slice(0, 40)}`,
      `ci:deploy+run=${key.sha256}`,
      `-ci:run=${key.sha256}`,
      `ci:run:0=${key.sha256}`,
      `ci:run:fast=${key.sha256}`,
    ];
    const problems = problemsOf({ ...LOCAL, KILN_API_KEYS: entries.join(',') });
    expect(problems).toEqual([
      'KILN_API_KEYS entry 1 must be name:scopes[:per_minute]=<sha256 hex of the key>',
      'KILN_API_KEYS entry 2 ("ci") must end in =<the key\'s SHA-256 as 64 hex digits> (never the key itself)',
      'KILN_API_KEYS entry 3 ("ci") has unknown scope "deploy"; scopes are run, grade, admin, joined by "+"',
      'KILN_API_KEYS entry 4 needs a name of letters, digits, ".", "_" or "-" (at most 64)',
      'KILN_API_KEYS entry 5 ("ci") has a rate limit that is not a whole number of requests per minute, 1 to 1000000',
      'KILN_API_KEYS entry 6 ("ci") has a rate limit that is not a whole number of requests per minute, 1 to 1000000',
    ]);
    const shown = problems.join('\n');
    expect(shown).not.toContain(key.key.slice(0, 40));
    expect(shown).not.toContain(key.sha256);
  });

  it('refuses a name or a hash configured twice, across both sources', () => {
    const [a, b] = [makeKey('ci', 'run'), makeKey('ci', 'grade')];
    const path = file('twice', `${b.entry}\nother:run=${a.sha256}\n`);
    expect(problemsOf({ ...LOCAL, KILN_API_KEYS: a.entry, KILN_API_KEYS_FILE: path })).toEqual([
      'API key name "ci" is configured more than once',
      'API keys "ci" and "other" have the same hash',
    ]);
  });

  it('refuses an unreadable key file, and one that holds no key', () => {
    const empty = file('empty', '# nobody yet\n\n');
    expect(problemsOf({ ...LOCAL, KILN_API_KEYS_FILE: empty })).toEqual([
      `KILN_API_KEYS_FILE (${empty}) holds no key`,
    ]);
    const missing = join(dir, 'missing');
    expect(problemsOf({ ...LOCAL, KILN_API_KEYS_FILE: missing })).toEqual([
      `KILN_API_KEYS_FILE could not be read: ENOENT: no such file or directory, open '${missing}'`,
    ]);
  });

  it('reads KILN_RATE_LIMIT_PER_MINUTE (6000 by default, 0 for none)', () => {
    expect(parseConfig(LOCAL).rateLimitPerMinute).toBe(6000);
    expect(parseConfig({ ...LOCAL, KILN_RATE_LIMIT_PER_MINUTE: '0' }).rateLimitPerMinute).toBe(0);
    expect(problemsOf({ ...LOCAL, KILN_RATE_LIMIT_PER_MINUTE: '-1' })).toEqual([
      'KILN_RATE_LIMIT_PER_MINUTE must be >= 0, got "-1"',
    ]);
  });
});

describe('an API without keys', () => {
  const refusal = (where: string, fix: string) =>
    `no API keys are configured and the gateway ${where}, where other machines can reach it: set ` +
    `KILN_API_KEYS or KILN_API_KEYS_FILE (see "Access control" in the README), or bind to localhost (${fix})`;

  it('starts where only this machine reaches it', () => {
    for (const bind of ['127.0.0.1', '127.0.1.1', 'localhost', '::1', '[::1]']) {
      expect(problemsOf({ ...REDIS, KILN_PUBLISHED_BIND: bind }), bind).toEqual([]);
    }
    expect(problemsOf({ ...REDIS, KILN_HOST: '127.0.0.1' })).toEqual([]);
    // Listening on loopback inside its container, nothing outside reaches it, whatever is published.
    expect(problemsOf({ ...REDIS, KILN_HOST: 'localhost', KILN_PUBLISHED_BIND: '0.0.0.0' })).toEqual([]);
  });

  it('refuses to start when published on another address', () => {
    for (const bind of ['0.0.0.0', '192.168.1.20', '::', 'kiln.example.org']) {
      expect(problemsOf({ ...REDIS, KILN_PUBLISHED_BIND: bind })).toEqual([
        refusal(`is published on ${bind}`, 'KILN_BIND=127.0.0.1'),
      ]);
    }
  });

  it('refuses to start when it listens on the network itself (no compose)', () => {
    expect(problemsOf(REDIS)).toEqual([refusal('listens on 0.0.0.0', 'KILN_HOST=127.0.0.1')]);
    expect(problemsOf({ ...REDIS, KILN_HOST: '10.0.0.5' })).toEqual([
      refusal('listens on 10.0.0.5', 'KILN_HOST=127.0.0.1'),
    ]);
  });

  it('starts on any address once keys are configured', () => {
    const key = makeKey('ci', 'run');
    expect(problemsOf({ ...REDIS, KILN_PUBLISHED_BIND: '0.0.0.0', KILN_API_KEYS: key.entry })).toEqual([]);
  });

  describe('the process', () => {
    afterEach(() => {
      vi.unstubAllEnvs();
      vi.restoreAllMocks();
    });

    it('exits 1 with the reason on stderr', () => {
      for (const [name, value] of Object.entries({ ...REDIS, KILN_PUBLISHED_BIND: '0.0.0.0' })) {
        vi.stubEnv(name, value);
      }
      for (const name of ['KILN_API_KEYS', 'KILN_API_KEYS_FILE', 'KILN_HOST']) vi.stubEnv(name, '');
      const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
      const exit = vi.spyOn(process, 'exit').mockImplementation((code) => {
        throw new Error(`exit ${code}`);
      });
      expect(() => loadConfig()).toThrow('exit 1');
      expect(exit).toHaveBeenCalledWith(1);
      expect(stderr).toHaveBeenCalledWith(
        `kiln gateway: invalid configuration:\n  - ${refusal('is published on 0.0.0.0', 'KILN_BIND=127.0.0.1')}\n`,
      );
    });
  });
});

describe('isLoopback', () => {
  it('knows loopback addresses in their usual spellings, and nothing else', () => {
    const loopback = [
      '127.0.0.1',
      '127.255.0.9',
      'localhost',
      'LOCALHOST',
      '::1',
      '[::1]',
      '0:0:0:0:0:0:0:1',
      '::ffff:127.0.0.1',
    ];
    const network = [
      '0.0.0.0',
      '::',
      '10.0.0.1',
      '128.0.0.1',
      '::2',
      '::ffff:10.0.0.1',
      'localhost.example.org',
      '',
      '127.0.0.1.nip.io',
    ];
    for (const address of loopback) expect(isLoopback(address), address).toBe(true);
    for (const address of network) expect(isLoopback(address), address).toBe(false);
  });
});
