import {
  type ExecutionResult,
  ExecutionResultSchema,
  internalErrorResult,
  type Language,
} from '@kiln/protocol';
import type { JobState } from 'bullmq';
import { Compile } from 'typebox/compile';
import type { Execution, ExecutionState } from '../schemas.js';

const isResult = Compile(ExecutionResultSchema);

/** A finished execution from a job's return value, or an internal error when that value is not a result. */
export function finishedExecution(id: string, language: Language, value: unknown): Execution {
  const result = isResult.Check(value) ? { ...value, id } : internalErrorResult(id, language);
  return { id, state: 'finished', result };
}

/** BullMQ's job states as the API's three: a retry waiting out its backoff is still queued. */
const STATE_OF: Record<Exclude<JobState, 'completed' | 'failed'>, ExecutionState> = {
  active: 'running',
  waiting: 'queued',
  prioritized: 'queued',
  delayed: 'queued',
  'waiting-children': 'queued',
};

/** The execution a job stands for, or undefined when the job is gone (expired or never existed). */
export function executionOf(
  job: { id?: string; data: { language: Language }; returnvalue: unknown },
  state: JobState | 'unknown',
): Execution | undefined {
  const id = job.id ?? '';
  switch (state) {
    case 'unknown':
      return undefined;
    case 'completed':
      return finishedExecution(id, job.data.language, job.returnvalue);
    case 'failed':
      // The worker threw on its last attempt: still a finished execution, and never a 5xx for the caller.
      return { id, state: 'finished', result: internalErrorResult(id, job.data.language) };
    default:
      return { id, state: STATE_OF[state] };
  }
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
