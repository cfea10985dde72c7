import type { Grade, Submission, SubmissionProgress, SubmissionRequest } from '@kiln/api';
import { SUBMISSION_JOB_NAME, type SubmissionJob } from '@kiln/grading';
import type { Job } from 'bullmq';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { QueueFullError } from '../errors.js';
import type { JobView, SubmissionLane } from '../jobs/index.js';
import { checkGrading, GRADING_RETRY_AFTER_S } from './requests.js';
import { finishedSubmissionOf, progressOf, queuedSubmission, submissionOf } from './views.js';

interface SubmissionServiceDeps {
  config: Config;
  lane: SubmissionLane;
}

export type SubmissionHandle = Job<SubmissionJob, Grade, string>;

/** How long one wait of a followed submission lasts before it is read again. */
const FOLLOW_WAIT_MS = 15_000;

/** Submissions: one program against a list of tests, one job in its language's submission queue. */
export class SubmissionService {
  constructor(private readonly deps: SubmissionServiceDeps) {}

  async submit(
    request: SubmissionRequest,
    idempotencyKey: string | undefined,
    log: FastifyBaseLogger,
  ): Promise<SubmissionHandle> {
    const { config, lane } = this.deps;
    const shared = checkGrading(config, request, [request]);
    const { language } = request;
    const { job, depth } = await lane.addOnce('submissions', {
      name: SUBMISSION_JOB_NAME,
      language,
      idempotencyKey,
      body: request,
      bound: config.maxQueueDepth,
      refusal: () => new QueueFullError(language, GRADING_RETRY_AFTER_S, 'submissions'),
      data: (id) => ({
        id,
        language,
        code: request.code,
        ...shared,
        ...(request.callbackUrl ? { callbackUrl: request.callbackUrl } : {}),
      }),
    });
    if (depth !== undefined) {
      const { id, tests, checker, limits } = job.data;
      log.info(
        { submissionId: id, language, tests: tests.length, checker: checker.type, limits, depth },
        'submission queued',
      );
    }
    return job;
  }

  async waitFor(job: SubmissionHandle, maxWaitMs: number, signal?: AbortSignal): Promise<Submission> {
    return this.deps.lane.wait(job, maxWaitMs, view(job.data), signal);
  }

  /** A submission's state now (a replayed request may find it finished already). */
  async current(job: SubmissionHandle): Promise<Submission> {
    const found = await this.deps.lane.read(job.data.language, job.data.id);
    return found ? submissionOf(found) : queuedSubmission(job.data);
  }

  /** The submission with this id in any language's queue, or undefined once it has expired. */
  async find(id: string): Promise<Submission | undefined> {
    const found = await this.deps.lane.find(id);
    return found && submissionOf(found);
  }

  /**
   * Follow a submission until it finishes: `onProgress` for each progress event of its job, then its
   * final state (undefined if it expired meanwhile). The job is read again every few seconds in case an
   * event was lost.
   */
  async follow(
    submission: Submission,
    onProgress: (progress: SubmissionProgress) => void,
    signal: AbortSignal,
  ): Promise<Submission | undefined> {
    const { lane } = this.deps;
    const { id, language } = submission;
    const events = lane.eventsOf(language);
    const total = submission.progress.total;
    const onEvent = ({ data }: { data: unknown }) => onProgress(progressOf(data, total));
    events.on(`progress:${id}` as 'progress', onEvent as never);
    try {
      let current: Submission | undefined = submission;
      while (current && current.state !== 'finished' && !signal.aborted && !this.closingSignal.aborted) {
        const job = await lane.job(language, id);
        if (!job) return undefined;
        current = await lane.wait(job, FOLLOW_WAIT_MS, { ...view(job.data), initial: current }, signal);
      }
      return current;
    } finally {
      events.off(`progress:${id}` as 'progress', onEvent as never);
    }
  }

  /** Aborted when the gateway shuts down: streams that follow submissions end with it. */
  get closingSignal(): AbortSignal {
    return this.deps.lane.closingSignal;
  }
}

function view(data: SubmissionJob): JobView<Submission> {
  return {
    initial: queuedSubmission(data),
    finished: (value) => finishedSubmissionOf(data, value),
    of: (found) => submissionOf(found as Parameters<typeof submissionOf>[0]),
    isFinished: (submission) => submission.state === 'finished',
  };
}
