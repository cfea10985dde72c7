/**
 * The shapes the gateway takes from @kiln/protocol and @kiln/grading (TypeBox schemas there), written out as
 * plain types so that the published client stands alone: its .d.ts needs neither unpublished package nor
 * TypeBox. test/contract.test.ts checks each one equals its source, so they cannot drift apart.
 */

/** The languages Kiln runs. */
export type Language = 'python' | 'javascript' | 'cpp';

/**
 * How a run ended. A program's own failure is one of these, reported as a normal result; `internal_error`
 * is Kiln's fault (an executor vanished, a sandbox could not be set up), never the program's.
 */
export type Status =
  | 'ok'
  | 'compile_error'
  | 'runtime_error'
  | 'time_limit_exceeded'
  | 'memory_limit_exceeded'
  | 'output_limit_exceeded'
  | 'internal_error';

/** Per-run limits a request may lower, or raise up to the server's maximum; the rest are the defaults. */
export interface LimitsRequest {
  /** Wall-clock limit of the run, in milliseconds. */
  timeMs?: number;
  /** CPU time limit (user + system), in milliseconds. */
  cpuTimeMs?: number;
  /** Memory limit, in MiB. */
  memoryMb?: number;
  /** Cap on stdout and on stderr, each, in KiB. */
  outputKb?: number;
}

export interface CompileResult {
  status:
    | 'ok'
    | 'compile_error'
    | 'time_limit_exceeded'
    | 'memory_limit_exceeded'
    | 'output_limit_exceeded'
    | 'internal_error';
  /** Compiler diagnostics, capped. */
  output: string;
  timeMs: number;
  /** The binary came from the compile cache. */
  cached: boolean;
}

export interface ExecutionResult {
  id: string;
  language: Language;
  status: Status;
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  /** Wall-clock time of the run. */
  timeMs: number;
  /** User + system CPU time of the program and its children. */
  cpuTimeMs: number;
  /** Peak resident memory of the program. */
  memoryKb: number;
  compile?: CompileResult;
}

/** How one test ended: `accepted`, `wrong_answer`, or how the run failed (every non-`ok` status). */
export type Verdict = 'accepted' | 'wrong_answer' | Exclude<Status, 'ok'>;

export interface TestCase {
  /** Shown in results; defaults to "test-<n>". */
  name?: string;
  /** The program's standard input. */
  stdin: string;
  /** The expected standard output, compared by the checker. */
  expected: string;
  /** The test's share of the score, 1 by default. */
  weight?: number;
  /** Results never show its stdin, expected output or the program output. */
  hidden?: boolean;
}

/**
 * How a program's output is compared with the expected output: byte for byte (`exact`), line by line
 * forgiving CRLF and trailing blanks (`lines`, the default), as tokens, as numbers within a tolerance
 * (`float`: |got - expected| <= max(absTol, relTol * |expected|)), or as lines in any order.
 */
export type Checker =
  | { type: 'exact' }
  | { type: 'lines' }
  | { type: 'tokens' }
  | { type: 'float'; absTol?: number; relTol?: number }
  | { type: 'unordered_lines' };
export type CheckerType = Checker['type'];

export interface SubmissionRequest {
  language: Language;
  code: string;
  tests: TestCase[];
  checker?: Checker;
  limits?: LimitsRequest;
  /** Tests after the first failure are `skipped`. */
  stopOnFirstFailure?: boolean;
  /** POSTed a signed copy of the result when it is final (webhooks). */
  callbackUrl?: string;
}

/** Where output and expected output first part ways. */
export interface DiffHint {
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  /** The expected line or token, shortened if long. */
  expected: string;
  /** The output's line or token, shortened if long. */
  got: string;
}

export interface TestResult {
  name: string;
  verdict: Verdict | 'skipped';
  hidden: boolean;
  weight: number;
  timeMs: number;
  cpuTimeMs: number;
  memoryKb: number;
  exitCode: number | null;
  /** The program output, capped; absent for hidden tests. */
  stdout?: string;
  /** Its stderr, capped; absent for hidden tests. */
  stderr?: string;
  stdin?: string;
  expected?: string;
  diff?: DiffHint;
}

export type SubmissionState = 'queued' | 'running' | 'finished';

export interface SubmissionProgress {
  done: number;
  total: number;
}

/** The graded outcome of one submission. */
export interface Grade {
  verdict: Verdict;
  /** Sum of the weights of the accepted tests. */
  score: number;
  /** Sum of all weights. */
  maxScore: number;
  passed: number;
  compile?: CompileResult;
  tests: TestResult[];
}

export interface Submission {
  id: string;
  language: Language;
  state: SubmissionState;
  progress: SubmissionProgress;
  /** Set once `finished`. */
  grade?: Grade;
}

export interface BatchItem {
  /** The caller's name for this submission (a student id), unique within the batch: letters, digits, `._@-`. */
  id: string;
  language: Language;
  code: string;
}

export interface BatchRequest {
  tests: TestCase[];
  checker?: Checker;
  limits?: LimitsRequest;
  stopOnFirstFailure?: boolean;
  submissions: BatchItem[];
  /** POSTed a signed copy of the batch when it is final (webhooks). */
  callbackUrl?: string;
}

export interface Batch {
  id: string;
  state: 'running' | 'finished';
  total: number;
  /** Items by state. */
  states: Record<SubmissionState, number>;
  /** Finished items by overall verdict. */
  verdicts: Record<string, number>;
  /** Unix time in ms. */
  createdAt: number;
  /** Unix time in ms. */
  finishedAt?: number;
}

/** One row of `GET /api/v1/batches/:id/results`. */
export interface BatchResult {
  /** The caller's item id. */
  id: string;
  submissionId: string;
  language: Language;
  state: SubmissionState;
  grade?: Grade;
}

export interface BatchResults {
  id: string;
  state: 'running' | 'finished';
  results: BatchResult[];
}
