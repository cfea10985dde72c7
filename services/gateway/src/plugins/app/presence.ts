import type { LanguageAvailability } from '@kiln/api';
import {
  type ExecutorPresence,
  ExecutorPresenceSchema,
  LANGUAGES,
  PRESENCE_KEY,
  PRESENCE_STALE_MS,
} from '@kiln/protocol';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Compile } from 'typebox/compile';
import { redisCall } from '../../jobs/index.js';

export interface Presence {
  /** Languages with at least one replica refreshed within PRESENCE_STALE_MS, in LANGUAGES order. */
  live(): Promise<LanguageAvailability[]>;
  /** True when Redis answers PING. */
  redisAnswers(): Promise<boolean>;
}

declare module 'fastify' {
  interface FastifyInstance {
    presence: Presence;
  }
}

const isPresence = Compile(ExecutorPresenceSchema);

function parseEntry(value: string): ExecutorPresence | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    return isPresence.Check(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** Group fresh presence entries (written by the workers into one hash) by language. */
function summarize(entries: Iterable<string>, now: number): LanguageAvailability[] {
  const fresh = [...entries]
    .map(parseEntry)
    .filter(
      (entry): entry is ExecutorPresence => entry !== undefined && now - entry.seenAt <= PRESENCE_STALE_MS,
    );
  return LANGUAGES.flatMap((language) => {
    const replicas = fresh.filter((entry) => entry.language === language);
    if (replicas.length === 0) return [];
    return [
      {
        language,
        versions: [...new Set(replicas.map((entry) => entry.version))].sort(),
        replicas: replicas.length,
        slots: replicas.reduce((sum, entry) => sum + entry.slots, 0),
        busy: replicas.reduce((sum, entry) => sum + entry.busy, 0),
      },
    ];
  });
}

async function presencePlugin(fastify: FastifyInstance) {
  const redis = fastify.redis;
  const presence: Presence = {
    async live() {
      const hash = await redisCall(redis, () => redis.hgetall(PRESENCE_KEY));
      return summarize(Object.values(hash), Date.now());
    },
    async redisAnswers() {
      try {
        return (await redis.ping()) === 'PONG';
      } catch {
        return false;
      }
    },
  };
  fastify.decorate('presence', presence);
}

export default fp(presencePlugin, { name: 'presence', dependencies: ['queues'] });
