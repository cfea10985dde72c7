/** What the commands touch of the process, so tests can run them with strings instead of a terminal. */

export interface Output {
  write(text: string): void;
  readonly isTTY: boolean;
  /** The terminal's width, when it is one. */
  readonly columns?: number | undefined;
}

export interface Io {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: { readonly isTTY: boolean; read(): Promise<string> };
  readonly stdout: Output;
  readonly stderr: Output;
  /** The client's fetch; tests pass a stub. */
  readonly fetch?: typeof fetch;
}
