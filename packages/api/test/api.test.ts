import Compile from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import * as Api from '../src/index.js';

/** Every schema the package exports, by name: the contract as the gateway validates and documents it. */
const schemas = Object.entries(Api).filter(
  ([name, value]) => name.endsWith('Schema') && typeof value === 'object' && value !== null,
);

describe('@kiln/api', () => {
  it('exports the schemas of every route group', () => {
    const names = schemas.map(([name]) => name);
    for (const name of [
      'ExecutionRequestSchema',
      'ExecutionResultSchema',
      'ExecutionIdParamsSchema',
      'LegacyExecuteRequestSchema',
      'LegacyExecuteResponseSchema',
      'SubmissionRequestSchema',
      'SubmissionSchema',
      'SubmissionIdParamsSchema',
      'BatchRequestSchema',
      'BatchSchema',
      'BatchResultsSchema',
      'BatchIdParamsSchema',
      'BatchResultsQuerySchema',
      'LanguagesResponseSchema',
      'HealthResponseSchema',
      'ReadyResponseSchema',
      'IdempotencyHeadersSchema',
    ])
      expect(names).toContain(name);
  });

  it('compiles every schema into a validator', () => {
    for (const [name, schema] of schemas) expect(() => Compile(schema as never), name).not.toThrow();
  });

  it('refuses an execution request with a field it does not know', () => {
    const check = Compile(Api.ExecutionRequestSchema);
    expect(check.Check({ language: 'python', code: 'print(1)' })).toBe(true);
    expect(check.Check({ language: 'python', code: 'print(1)', timeout: 5 })).toBe(false);
    expect(check.Check({ language: 'cobol', code: 'x' })).toBe(false);
  });

  it('takes a submission id as a UUID or a batch item id, and nothing else', () => {
    const check = Compile(Api.SubmissionIdParamsSchema);
    const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';
    expect(check.Check({ id: uuid })).toBe(true);
    expect(check.Check({ id: `${uuid}.alice_01@school` })).toBe(true);
    expect(check.Check({ id: `${uuid}.` })).toBe(false);
    expect(check.Check({ id: 'alice' })).toBe(false);
  });

  it('describes what ?wait= waits for', () => {
    const query = Api.WaitQuery('grade');
    expect(JSON.stringify(query)).toContain('Wait for the grade (up to the server maximum');
    expect(Compile(query).Check({ wait: true, other: 1 })).toBe(false);
  });

  it('gives every error answer the same body', () => {
    const check = Compile(Api.QueueFull);
    expect(check.Check({ error: { code: 'QUEUE_FULL', message: 'try later' } })).toBe(true);
    expect(check.Check({ message: 'try later' })).toBe(false);
  });
});
