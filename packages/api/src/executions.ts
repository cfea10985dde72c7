import { ExecutionResultSchema, LanguageSchema, LimitsRequestSchema } from '@kiln/protocol';
import Type, { type Static } from 'typebox';

/** The execution API (`/api/v1/executions`) and the original design's `POST /api/code/execute`. */

export const EXECUTION_STATES = ['queued', 'running', 'finished'] as const;
export type ExecutionState = (typeof EXECUTION_STATES)[number];

const executionProperties = {
  id: Type.String({ format: 'uuid' }),
  state: Type.Enum(EXECUTION_STATES),
  result: Type.Optional(ExecutionResultSchema),
};
/** What both POST and GET answer: `{ id, state, result? }`, the result there once the state is `finished`. */
export function ExecutionResponse(description: string) {
  return Type.Object(executionProperties, { description });
}
export type Execution = Static<ReturnType<typeof ExecutionResponse>>;

export const ExecutionRequestSchema = Type.Object(
  {
    language: LanguageSchema,
    code: Type.String({ description: 'Source code; capped by KILN_MAX_CODE_KB (UTF-8 bytes)' }),
    stdin: Type.Optional(Type.String({ description: 'Standard input; capped by KILN_MAX_STDIN_KB' })),
    limits: Type.Optional(LimitsRequestSchema),
    callbackUrl: Type.Optional(
      Type.String({
        format: 'uri',
        maxLength: 2048,
        description:
          'POSTed a signed copy of the finished execution (see the webhooks section of the README)',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ExecutionRequest = Static<typeof ExecutionRequestSchema>;

/** `?wait=`: answer at once, or once the result is in. */
export function WaitQuery(what: string) {
  return Type.Object(
    {
      wait: Type.Optional(
        Type.Boolean({
          default: true,
          description: `Wait for the ${what} (up to the server maximum, KILN_MAX_WAIT_MS) before answering`,
        }),
      ),
    },
    { additionalProperties: false },
  );
}

export const ExecutionIdParamsSchema = Type.Object({
  id: Type.String({ format: 'uuid', description: 'Execution id' }),
});

export const LegacyExecuteRequestSchema = Type.Object(
  {
    code: Type.String({ description: 'Source code; capped by KILN_MAX_CODE_KB (UTF-8 bytes)' }),
    language: LanguageSchema,
    input: Type.Optional(Type.String({ description: 'Standard input; capped by KILN_MAX_STDIN_KB' })),
  },
  { additionalProperties: false },
);
export type LegacyExecuteRequest = Static<typeof LegacyExecuteRequestSchema>;

export const LegacyExecuteResponseSchema = Type.Object(
  {
    success: Type.Literal(true),
    data: Type.Object({
      output: Type.String({
        description: 'stdout, plus diagnostics and stderr when the run failed; trailing whitespace trimmed',
      }),
      error: Type.Boolean({ description: 'The run did not end with status ok' }),
      executionTime: Type.String({ description: 'Wall-clock time, e.g. "12 ms"' }),
    }),
  },
  { description: 'The run finished (successfully or not: see data.error)' },
);
export type LegacyExecuteResponse = Static<typeof LegacyExecuteResponseSchema>;
