import { describe, expectTypeOf, it } from 'vitest';
import type { LanguagePresence } from '../../../services/gateway/src/plugins/app/presence.js';
import type {
  Execution as GatewayExecution,
  ExecutionRequest as GatewayExecutionRequest,
} from '../../../services/gateway/src/schemas.js';
import type { Execution, ExecutionRequest, LanguageAvailability } from '../src/index.js';

// Checked by `tsc` (the typecheck script): the client's own types must stay the gateway's schemas exactly.
describe('types against the gateway schemas', () => {
  it('match field for field', () => {
    expectTypeOf<Execution>().toEqualTypeOf<GatewayExecution>();
    expectTypeOf<ExecutionRequest>().toEqualTypeOf<GatewayExecutionRequest>();
    expectTypeOf<LanguageAvailability>().toEqualTypeOf<LanguagePresence>();
  });
});
