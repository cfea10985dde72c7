/** The CLI's own failures, each with its exit code (2); the API's come from @kiln/client. */

/** A mistake on the command line: the message, then the usage text of the command. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
    Object.setPrototypeOf(this, UsageError.prototype);
  }
}

/** A file or folder named on the command line that cannot be read or does not have the expected shape. */
export class InputError extends Error {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
    this.name = 'InputError';
    Object.setPrototypeOf(this, InputError.prototype);
  }
}

/** "ENOENT: no such file or directory, open 'x'" → "no such file or directory". */
export function systemReason(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const match = /^[A-Z]+: (.*?)(?:, \w+ '.*')?$/.exec(err.message);
  return match?.[1] ?? err.message;
}
