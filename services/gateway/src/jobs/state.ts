import type { JobState } from 'bullmq';

/** What the API calls the state of an execution, a submission or a batch item. */
export type ApiState = 'queued' | 'running' | 'finished';

/**
 * BullMQ's job states as the API's three: a retry waiting out its backoff, or a parent waiting for its
 * children, is still queued; a job that failed for good is finished (with an internal error). `unknown`
 * (expired, or never existed) has no API state.
 */
export function apiState(state: JobState | 'unknown'): ApiState | undefined {
  switch (state) {
    case 'unknown':
      return undefined;
    case 'completed':
    case 'failed':
      return 'finished';
    case 'active':
      return 'running';
    default:
      return 'queued';
  }
}
