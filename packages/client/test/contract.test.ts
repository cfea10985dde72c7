import type * as Grading from '@kiln/grading';
import type * as Protocol from '@kiln/protocol';
import { describe, expectTypeOf, it } from 'vitest';
import type { LanguagePresence } from '../../../services/gateway/src/plugins/app/presence.js';
import type {
  Execution as GatewayExecution,
  ExecutionRequest as GatewayExecutionRequest,
} from '../../../services/gateway/src/schemas.js';
import type * as Client from '../src/index.js';

// Checked by `tsc` (the typecheck script): the client's own types must stay the gateway's schemas exactly.
describe('types against the gateway schemas', () => {
  it('match field for field', () => {
    expectTypeOf<Client.Execution>().toEqualTypeOf<GatewayExecution>();
    expectTypeOf<Client.ExecutionRequest>().toEqualTypeOf<GatewayExecutionRequest>();
    expectTypeOf<Client.LanguageAvailability>().toEqualTypeOf<LanguagePresence>();
  });

  it('match @kiln/protocol and @kiln/grading, which the published client does not depend on', () => {
    expectTypeOf<Client.Language>().toEqualTypeOf<Protocol.Language>();
    expectTypeOf<Client.Status>().toEqualTypeOf<Protocol.Status>();
    expectTypeOf<Client.LimitsRequest>().toEqualTypeOf<Protocol.LimitsRequest>();
    expectTypeOf<Client.CompileResult>().toEqualTypeOf<Protocol.CompileResult>();
    expectTypeOf<Client.ExecutionResult>().toEqualTypeOf<Protocol.ExecutionResult>();
    expectTypeOf<Client.Verdict>().toEqualTypeOf<Grading.Verdict>();
    expectTypeOf<Client.TestCase>().toEqualTypeOf<Grading.TestCase>();
    expectTypeOf<Client.Checker>().toEqualTypeOf<Grading.Checker>();
    expectTypeOf<Client.CheckerType>().toEqualTypeOf<Grading.CheckerType>();
    expectTypeOf<Client.SubmissionRequest>().toEqualTypeOf<Grading.SubmissionRequest>();
    expectTypeOf<Client.DiffHint>().toEqualTypeOf<Grading.DiffHint>();
    expectTypeOf<Client.TestResult>().toEqualTypeOf<Grading.TestResult>();
    expectTypeOf<Client.SubmissionState>().toEqualTypeOf<Grading.SubmissionState>();
    expectTypeOf<Client.SubmissionProgress>().toEqualTypeOf<Grading.SubmissionProgress>();
    expectTypeOf<Client.Grade>().toEqualTypeOf<Grading.Grade>();
    expectTypeOf<Client.Submission>().toEqualTypeOf<Grading.Submission>();
    expectTypeOf<Client.BatchItem>().toEqualTypeOf<Grading.BatchItem>();
    expectTypeOf<Client.BatchRequest>().toEqualTypeOf<Grading.BatchRequest>();
    expectTypeOf<Client.Batch>().toEqualTypeOf<Grading.Batch>();
    expectTypeOf<Client.BatchResult>().toEqualTypeOf<Grading.BatchResult>();
    expectTypeOf<Client.BatchResults>().toEqualTypeOf<Grading.BatchResults>();
  });
});
