import Type, { type Static } from 'typebox';
import { type Language, LanguageSchema } from './languages.js';

/**
 * How a run ended. A program's own failure is one of these, reported as a normal result; `internal_error`
 * is Kiln's fault (an executor vanished, a sandbox could not be set up), never the program's.
 */
export const STATUSES = [
  'ok',
  'compile_error',
  'runtime_error',
  'time_limit_exceeded',
  'memory_limit_exceeded',
  'output_limit_exceeded',
  'internal_error',
] as const;
export const StatusSchema = Type.Enum(STATUSES);
export type Status = (typeof STATUSES)[number];

export const CompileResultSchema = Type.Object({
  status: Type.Union([
    Type.Literal('ok'),
    Type.Literal('compile_error'),
    Type.Literal('time_limit_exceeded'),
    Type.Literal('memory_limit_exceeded'),
    Type.Literal('output_limit_exceeded'),
    Type.Literal('internal_error'),
  ]),
  output: Type.String({ description: 'Compiler diagnostics, capped' }),
  timeMs: Type.Integer({ minimum: 0 }),
  cached: Type.Boolean({ description: 'The binary came from the compile cache' }),
});
export type CompileResult = Static<typeof CompileResultSchema>;

export const ExecutionResultSchema = Type.Object({
  id: Type.String(),
  language: LanguageSchema,
  status: StatusSchema,
  exitCode: Type.Union([Type.Integer(), Type.Null()]),
  signal: Type.Union([Type.String(), Type.Null()]),
  stdout: Type.String(),
  stderr: Type.String(),
  stdoutTruncated: Type.Boolean(),
  stderrTruncated: Type.Boolean(),
  timeMs: Type.Integer({ minimum: 0, description: 'Wall-clock time of the run' }),
  cpuTimeMs: Type.Integer({
    minimum: 0,
    description: 'User + system CPU time of the program and its children',
  }),
  memoryKb: Type.Integer({ minimum: 0, description: 'Peak resident memory of the program' }),
  compile: Type.Optional(CompileResultSchema),
});
export type ExecutionResult = Static<typeof ExecutionResultSchema>;

/** A result with no run behind it (compile failures, Kiln's own faults): empty output, zero measurements. */
export function emptyResult(id: string, language: Language, status: Status): ExecutionResult {
  return {
    id,
    language,
    status,
    exitCode: null,
    signal: null,
    stdout: '',
    stderr: '',
    stdoutTruncated: false,
    stderrTruncated: false,
    timeMs: 0,
    cpuTimeMs: 0,
    memoryKb: 0,
  };
}

/** What an execution Kiln itself could not finish returns: only that it was Kiln's fault, no internals. */
export function internalErrorResult(id: string, language: Language): ExecutionResult {
  return {
    ...emptyResult(id, language, 'internal_error'),
    stderr: 'Kiln could not complete this execution (internal error); it may be submitted again.',
  };
}
