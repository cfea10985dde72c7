export type { ExecutionResult, Language, LimitsRequest, Status } from '@kiln/protocol';
export {
  type ExecuteOptions,
  KilnClient,
  type KilnClientOptions,
  type RunOptions,
} from './client.js';
export { KilnApiError, KilnNetworkError, type KilnNetworkErrorCode } from './errors.js';
export type * from './types.js';
