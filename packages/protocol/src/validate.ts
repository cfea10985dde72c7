import type { TSchema } from 'typebox';
import Compile from 'typebox/compile';
import { type AgentFrame, AgentFrameSchema, type WorkerFrame, WorkerFrameSchema } from './frames.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

function parser<T>(schema: TSchema) {
  const validator = Compile(schema);
  return (text: string): Parsed<T> => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return { ok: false, message: 'frame is not valid JSON' };
    }
    if (validator.Check(value)) return { ok: true, value: value as T };
    const first = validator.Errors(value)[0];
    const where = first?.instancePath || '/';
    return {
      ok: false,
      message: `invalid frame at ${where}: ${first?.message ?? 'does not match the protocol'}`,
    };
  };
}

/** Parse a frame the worker sent to an agent. Never throws: a bad frame is answered, not crashed on. */
export const parseWorkerFrame = parser<WorkerFrame>(WorkerFrameSchema);
/** Parse a frame an agent sent to the worker. */
export const parseAgentFrame = parser<AgentFrame>(AgentFrameSchema);
