import { readFileSync } from 'node:fs';
import { group, text, url } from './settings.js';

/** What ioredis (and BullMQ) are given to connect: spread it into their options. */
export interface RedisConnection {
  readonly host: string;
  readonly port: number;
  readonly username?: string;
  readonly password?: string;
  readonly db: number;
  readonly tls?: Record<string, never>;
}

const redisSettings = {
  url: url({
    env: 'KILN_REDIS_URL',
    pattern: '^rediss?://',
    required: true,
    // It may carry the password: never quoted.
    secret: true,
    internal: true,
    doc: 'redis://[user:password@]host:port[/db]; rediss:// for TLS',
  }),
  passwordFile: text({
    env: 'KILN_REDIS_PASSWORD_FILE',
    internal: true,
    doc: 'File holding the Redis password (a mounted secret); it wins over a password in the URL',
  }),
  nodeEnv: text({
    env: 'NODE_ENV',
    default: 'development',
    internal: true,
    doc: 'production (the images): Redis must have a password',
  }),
};

/**
 * The Redis connection of the gateway and the worker, read the same way by both: KILN_REDIS_URL, the
 * password of KILN_REDIS_PASSWORD_FILE over the URL's, TLS for rediss://.
 */
export const redis = group(redisSettings, (settings, problems): RedisConnection => {
  // Never used: the URL's problem is reported already, so the service does not start.
  const unusable = { host: '', port: 0, db: 0 };
  if (settings.url === undefined) return unusable;
  const parsed = new URL(settings.url);
  if (!parsed.hostname) {
    problems.push('KILN_REDIS_URL is not a valid redis:// URL');
    return unusable;
  }
  const password = readPasswordFile(settings.passwordFile, problems) ?? decodeURIComponent(parsed.password);
  // Redis holds every submission and result: in production it must not be reachable without a password.
  if (settings.nodeEnv === 'production' && !password) {
    problems.push(
      'a Redis password is required when NODE_ENV=production (KILN_REDIS_PASSWORD_FILE or the URL)',
    );
  }
  const db = Number(parsed.pathname.slice(1) || 0);
  if (!Number.isInteger(db) || db < 0) problems.push('KILN_REDIS_URL has an invalid database number');
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(parsed.port || 6379),
    ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(password ? { password } : {}),
    db,
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
  };
});

/** The password in KILN_REDIS_PASSWORD_FILE, if it names one. */
function readPasswordFile(file: string | undefined, problems: string[]): string | undefined {
  if (file === undefined) return undefined;
  try {
    const password = readFileSync(file, 'utf8').trim();
    if (!password) problems.push(`KILN_REDIS_PASSWORD_FILE (${file}) is empty`);
    return password || undefined;
  } catch (err) {
    problems.push(`KILN_REDIS_PASSWORD_FILE could not be read: ${(err as Error).message}`);
    return undefined;
  }
}
