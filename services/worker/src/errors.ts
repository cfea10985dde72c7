/**
 * Infrastructure faults: the job is retried (on another replica where there is one). A program's own
 * failure is never one of these: it is a normal result with a status.
 */
export class ExecutorLostError extends Error {
  readonly code = 'EXECUTOR_LOST';
  constructor(address: string, reason: string) {
    super(`executor ${address} went away during the run: ${reason}`);
    this.name = 'ExecutorLostError';
    Object.setPrototypeOf(this, ExecutorLostError.prototype);
  }
}

export class ExecutorRefusedError extends Error {
  readonly code = 'EXECUTOR_REFUSED';
  constructor(
    address: string,
    readonly reason: string,
    message: string,
  ) {
    super(`executor ${address} refused the run (${reason}): ${message}`);
    this.name = 'ExecutorRefusedError';
    Object.setPrototypeOf(this, ExecutorRefusedError.prototype);
  }
}

/**
 * The executor answered, but with `internal_error`: its sandbox could not run the program (setup failed, the
 * helper died). Kiln's fault by that status's definition, never the program's, so it is retried like a lost run.
 */
export class ExecutorFailedError extends Error {
  readonly code = 'EXECUTOR_FAILED';
  constructor(address: string, runId: string) {
    super(`executor ${address} could not run ${runId} (internal_error)`);
    this.name = 'ExecutorFailedError';
    Object.setPrototypeOf(this, ExecutorFailedError.prototype);
  }
}

export class NoExecutorError extends Error {
  readonly code = 'NO_EXECUTOR';
  constructor(language: string, waitedMs: number) {
    super(`no ${language} executor had a free slot within ${waitedMs} ms`);
    this.name = 'NoExecutorError';
    Object.setPrototypeOf(this, NoExecutorError.prototype);
  }
}
