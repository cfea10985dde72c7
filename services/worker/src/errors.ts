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

export class NoExecutorError extends Error {
  readonly code = 'NO_EXECUTOR';
  constructor(language: string, waitedMs: number) {
    super(`no ${language} executor had a free slot within ${waitedMs} ms`);
    this.name = 'NoExecutorError';
    Object.setPrototypeOf(this, NoExecutorError.prototype);
  }
}
