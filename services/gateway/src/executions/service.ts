import type { Execution, ExecutionRequest } from '@kiln/api';
import { EXECUTION_JOB_NAME, type ExecutionJob, type ExecutionResult, resolveLimits } from '@kiln/protocol';
import { checkCallbackUrl } from '@kiln/webhooks';
import type { Job } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { InvalidCallbackUrlError, PayloadTooLargeError, QueueFullError } from '../errors.js';
import type { ExecutionLane, Found, JobView } from '../jobs/index.js';
import { executionOf, finishedExecution } from './results.js';

type ExecutionJobHandle = Job<ExecutionJob, ExecutionResult, string>;

/** Retry-After of a 429: long enough for a few executions to drain, short enough for a student pressing Run. */
const QUEUE_FULL_RETRY_AFTER_S = 5;

interface ExecutionServiceDeps {
  config: Config;
  lane: ExecutionLane;
}

/** Logs how an execution ended: sizes of its output, never the output itself. */
function logFinished(execution: Execution, log: FastifyBaseLogger): Execution {
  const result = execution.result;
  if (result) {
    const { id, language, status, timeMs } = result;
    const output = {
      stdoutBytes: Buffer.byteLength(result.stdout),
      stderrBytes: Buffer.byteLength(result.stderr),
    };
    log.info({ executionId: id, language, status, timeMs, ...output }, 'execution finished');
  }
  return execution;
}

/** Executions: the request checked against the caps and limits, one job in its language's queue. */
export class ExecutionService {
  constructor(private readonly deps: ExecutionServiceDeps) {}

  /**
   * Check a request against the caps, limits and queue bound, then queue it as one job. With an
   * Idempotency-Key seen before (same body), the first request's job is returned instead.
   */
  async submit(
    request: ExecutionRequest,
    log: FastifyBaseLogger,
    idempotencyKey?: string,
  ): Promise<ExecutionJobHandle> {
    const { config, lane } = this.deps;
    const stdin = request.stdin ?? '';
    const codeBytes = Buffer.byteLength(request.code, 'utf8');
    const stdinBytes = Buffer.byteLength(stdin, 'utf8');
    if (codeBytes > config.maxCodeBytes) throw new PayloadTooLargeError('The code', config.maxCodeBytes);
    if (stdinBytes > config.maxStdinBytes) throw new PayloadTooLargeError('The stdin', config.maxStdinBytes);
    const limits = resolveLimits(request.limits, config.limits.defaults, config.limits.maximums);
    if (request.callbackUrl !== undefined) {
      const problem = checkCallbackUrl(request.callbackUrl, { allowPrivate: config.webhookAllowPrivate });
      if (problem) throw new InvalidCallbackUrlError(problem);
    }
    const { language } = request;
    const { job, depth } = await lane.addOnce('executions', {
      name: EXECUTION_JOB_NAME,
      language,
      idempotencyKey,
      body: request,
      bound: config.maxQueueDepth,
      refusal: () => new QueueFullError(language, QUEUE_FULL_RETRY_AFTER_S),
      data: (id) => ({
        id,
        language,
        code: request.code,
        stdin,
        limits,
        ...(request.callbackUrl ? { callbackUrl: request.callbackUrl } : {}),
      }),
    });
    if (depth !== undefined) {
      log.info(
        { executionId: job.data.id, language, codeBytes, stdinBytes, limits, depth },
        'execution queued',
      );
    }
    return job;
  }

  /** Wait up to maxWaitMs for the job to finish; shutting down ends every wait early. */
  async waitFor(job: ExecutionJobHandle, maxWaitMs: number, log: FastifyBaseLogger): Promise<Execution> {
    const { id, language } = job.data;
    const view: JobView<Execution> = {
      initial: { id, state: 'queued' },
      finished: (value) => finishedExecution(id, language, value),
      of: (found) => executionOf(found as Found<ExecutionJob, ExecutionResult>),
      isFinished: (execution) => execution.state === 'finished',
    };
    const execution = await this.deps.lane.wait(job, maxWaitMs, view);
    return execution.state === 'finished' ? logFinished(execution, log) : execution;
  }

  /** The execution with this id in any language's queue, or undefined once it has expired. */
  async find(id: string): Promise<Execution | undefined> {
    const found = await this.deps.lane.find(id);
    return found && executionOf(found);
  }
}
