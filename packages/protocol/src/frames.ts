import Type, { type Static } from 'typebox';
import { LanguageSchema } from './languages.js';
import { LimitsRequestSchema } from './limits.js';
import { ExecutionResultSchema } from './results.js';

/** The executor link (worker ⇄ agent): JSON frames over one WebSocket, a union keyed on `type`. */

export const EXECUTOR_PORT = 8765;
/** The agent sends the token check's failure as this close code, so a worker can tell it from a crash. */
export const CLOSE_UNAUTHORIZED = 4401;

const Id = Type.String({ minLength: 1, maxLength: 128 });

export const HelloFrameSchema = Type.Object({
  type: Type.Literal('hello'),
  language: LanguageSchema,
  version: Type.String(),
  slots: Type.Integer({ minimum: 1 }),
  agent: Type.String({ description: 'Agent version' }),
});

export const RunFrameSchema = Type.Object(
  {
    type: Type.Literal('run'),
    id: Id,
    code: Type.String(),
    stdin: Type.String(),
    limits: LimitsRequestSchema,
  },
  { additionalProperties: false },
);

export const CancelFrameSchema = Type.Object(
  { type: Type.Literal('cancel'), id: Id },
  { additionalProperties: false },
);

export const ResultFrameSchema = Type.Intersect([
  Type.Object({ type: Type.Literal('result') }),
  ExecutionResultSchema,
]);

/** Error frames end a run without a result (with an id) or answer a frame that made no sense (without). */
export const ERROR_CODES = [
  'BAD_FRAME',
  'DUPLICATE_ID',
  'SHUTTING_DOWN',
  'UNHEALTHY',
  'LIMIT_EXCEEDED',
  'CANCELLED',
] as const;
export const ErrorFrameSchema = Type.Object({
  type: Type.Literal('error'),
  id: Type.Optional(Type.String()),
  code: Type.Enum(ERROR_CODES),
  message: Type.String(),
});

export const WorkerFrameSchema = Type.Union([RunFrameSchema, CancelFrameSchema]);
export const AgentFrameSchema = Type.Union([HelloFrameSchema, ResultFrameSchema, ErrorFrameSchema]);

export type HelloFrame = Static<typeof HelloFrameSchema>;
export type RunFrame = Static<typeof RunFrameSchema>;
export type CancelFrame = Static<typeof CancelFrameSchema>;
export type ResultFrame = Static<typeof ResultFrameSchema>;
export type ErrorFrame = Static<typeof ErrorFrameSchema>;
export type WorkerFrame = Static<typeof WorkerFrameSchema>;
export type AgentFrame = Static<typeof AgentFrameSchema>;
