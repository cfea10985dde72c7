export type * from './api.js';
export {
  type ExecuteOptions,
  type IdempotencyOptions,
  KilnClient,
  type KilnClientOptions,
  type RunOptions,
  type SubmitOptions,
} from './client.js';
export { KilnApiError, KilnNetworkError, type KilnNetworkErrorCode } from './errors.js';
export type { EventsOptions } from './events.js';
export type { RetryOptions } from './retry.js';
