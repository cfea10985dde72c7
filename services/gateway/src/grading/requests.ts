import { DEFAULT_CHECKER, type SubmissionRequest } from '@kiln/api';
import type { SubmissionJob } from '@kiln/grading';
import { resolveLimits } from '@kiln/protocol';
import { checkCallbackUrl } from '@kiln/webhooks';
import type { Config } from '../config.js';
import { InvalidCallbackUrlError, PayloadTooLargeError } from '../errors.js';

/** Retry-After of a 429 on grading: a submission holds several runs, so its queue drains more slowly. */
export const GRADING_RETRY_AFTER_S = 10;

/** The job fields every program of a grading request shares. */
export type SharedGrading = Pick<SubmissionJob, 'tests' | 'checker' | 'limits' | 'stopOnFirstFailure'>;

/**
 * Check what every grading request (a submission, a batch) shares against the caps: each source's size, the
 * tests' stdin and expected output, the callback URL; resolve its limits. Returns the shared job fields.
 */
export function checkGrading(
  config: Config,
  request: Omit<SubmissionRequest, 'language' | 'code'>,
  sources: ReadonlyArray<{ code: string }>,
): SharedGrading {
  for (const { code } of sources) {
    if (Buffer.byteLength(code, 'utf8') > config.maxCodeBytes)
      throw new PayloadTooLargeError('The code', config.maxCodeBytes);
  }
  request.tests.forEach((test, index) => {
    for (const field of ['stdin', 'expected'] as const) {
      if (Buffer.byteLength(test[field], 'utf8') > config.maxStdinBytes)
        throw new PayloadTooLargeError(`tests[${index}].${field}`, config.maxStdinBytes);
    }
  });
  if (request.callbackUrl !== undefined) {
    const problem = checkCallbackUrl(request.callbackUrl, { allowPrivate: config.webhookAllowPrivate });
    if (problem) throw new InvalidCallbackUrlError(problem);
  }
  return {
    tests: request.tests,
    checker: request.checker ?? DEFAULT_CHECKER,
    limits: resolveLimits(request.limits, config.limits.defaults, config.limits.maximums),
    stopOnFirstFailure: request.stopOnFirstFailure ?? false,
  };
}
