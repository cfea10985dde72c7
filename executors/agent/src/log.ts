import pino, { type Logger } from 'pino';

/** JSON logs in containers. Never code, stdin or program output: sizes and ids only. */
export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'executor-agent' } });
}
