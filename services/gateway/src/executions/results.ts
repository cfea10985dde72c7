import type { Execution } from '@kiln/api';
import {
  type ExecutionResult,
  ExecutionResultSchema,
  internalErrorResult,
  type Language,
} from '@kiln/protocol';
import { Compile } from 'typebox/compile';
import { apiState, type Found } from '../jobs/index.js';

const isResult = Compile(ExecutionResultSchema);

/** A finished execution from a job's return value, or an internal error when that value is not a result. */
export function finishedExecution(id: string, language: Language, value: unknown): Execution {
  const result = isResult.Check(value) ? { ...value, id } : internalErrorResult(id, language);
  return { id, state: 'finished', result };
}

/** The execution a job stands for, read with its state. */
export function executionOf({ job, state }: Found<{ language: Language }, unknown>): Execution {
  const id = job.id ?? '';
  const api = apiState(state);
  if (api !== 'finished') return { id, state: api ?? 'queued' };
  // A job that failed for good (the worker threw on its last attempt) is still a finished execution, and
  // never a 5xx for the caller.
  return finishedExecution(id, job.data.language, state === 'completed' ? job.returnvalue : undefined);
}

/**
 * The legacy endpoint's `output`: stdout, plus the compiler's diagnostics and stderr when the run failed,
 * each starting on its own line, with trailing whitespace trimmed (the original API's promise).
 */
export function legacyOutput(result: ExecutionResult): string {
  if (result.status === 'ok') return result.stdout.trimEnd();
  const compileOutput = result.compile && result.compile.status !== 'ok' ? result.compile.output : '';
  let output = '';
  for (const part of [result.stdout, compileOutput, result.stderr]) {
    if (part === '') continue;
    output += output === '' || output.endsWith('\n') ? part : `\n${part}`;
  }
  return output.trimEnd();
}

/** "12 ms", as the original API wrote it. */
export function legacyExecutionTime(result: ExecutionResult): string {
  return `${result.timeMs} ms`;
}
