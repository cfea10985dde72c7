import { type ParseArgsConfig, parseArgs } from 'node:util';
import type { Checker, CheckerType } from '@kiln/api';
import { isLanguage, LANGUAGES, type Language, type LimitsRequest } from '@kiln/api';
import { UsageError } from './errors.js';
import { languageOf } from './languages.js';
import { GRADE_USAGE, MAIN_USAGE, RUN_USAGE } from './usage.js';

/** What the command line asks for, checked and resolved; every mistake is a UsageError. */

export const DEFAULT_URL = 'http://127.0.0.1:5000';
const FORMATS = ['json', 'csv', 'junit'] as const;
export type Format = (typeof FORMATS)[number];
const CHECKERS = ['lines', 'exact', 'tokens', 'float', 'unordered_lines'] as const satisfies CheckerType[];

export interface Server {
  url: string;
  apiKey: string | undefined;
}

export type Command =
  | { kind: 'help'; text: string }
  | { kind: 'version' }
  | { kind: 'run'; server: Server; file: string; language: Language; limits: LimitsRequest }
  | {
      kind: 'grade';
      server: Server;
      tests: string;
      submissions: string;
      /** Every submission's language; otherwise each file's extension decides. */
      language: Language | undefined;
      checker: Checker | undefined;
      limits: LimitsRequest;
      format: Format | undefined;
      output: string | undefined;
    };

const COMMON = {
  help: { type: 'boolean', short: 'h' },
  url: { type: 'string' },
  'api-key': { type: 'string' },
} as const satisfies ParseArgsConfig['options'];

const LIMITS = { 'time-ms': { type: 'string' }, 'memory-mb': { type: 'string' } } as const;

const RUN_OPTIONS = { ...COMMON, ...LIMITS, language: { type: 'string', short: 'l' } } as const;

const GRADE_OPTIONS = {
  ...COMMON,
  ...LIMITS,
  tests: { type: 'string', short: 't' },
  language: { type: 'string', short: 'l' },
  checker: { type: 'string' },
  'abs-tol': { type: 'string' },
  'rel-tol': { type: 'string' },
  format: { type: 'string', short: 'f' },
  output: { type: 'string', short: 'o' },
} as const;

const MAIN_OPTIONS = { ...COMMON, version: { type: 'boolean', short: 'v' } } as const;

type Env = Readonly<Record<string, string | undefined>>;

function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), usage);
  }
}

function server(
  values: { url?: string | undefined; 'api-key'?: string | undefined },
  env: Env,
  usage: string,
) {
  const url = values.url || env.KILN_URL || DEFAULT_URL;
  const protocol = URL.parse(url)?.protocol;
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new UsageError(`The server URL must be an http(s) URL, got "${url}"`, usage);
  }
  return { url, apiKey: values['api-key'] || env.KILN_API_KEY || undefined };
}

function positiveInteger(flag: string, value: string | undefined, usage: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value))
    throw new UsageError(`${flag} must be a positive integer, got "${value}"`, usage);
  return Number(value);
}

function limits(values: { 'time-ms'?: string | undefined; 'memory-mb'?: string | undefined }, usage: string) {
  const request: LimitsRequest = {};
  const timeMs = positiveInteger('--time-ms', values['time-ms'], usage);
  const memoryMb = positiveInteger('--memory-mb', values['memory-mb'], usage);
  if (timeMs !== undefined) request.timeMs = timeMs;
  if (memoryMb !== undefined) request.memoryMb = memoryMb;
  return request;
}

function language(value: string | undefined, usage: string): Language | undefined {
  if (value === undefined || isLanguage(value)) return value;
  throw new UsageError(`Unknown language "${value}"; use one of ${LANGUAGES.join(', ')}`, usage);
}

function oneOf<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  usage: string,
) {
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${value}"`, usage);
}

function tolerance(flag: string, value: string | undefined, usage: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number) || number < 0) {
    throw new UsageError(`${flag} must be a number of at least 0, got "${value}"`, usage);
  }
  return number;
}

type CheckerFlags = {
  checker?: string | undefined;
  'abs-tol'?: string | undefined;
  'rel-tol'?: string | undefined;
};

function checker(values: CheckerFlags, usage: string): Checker | undefined {
  const type = oneOf('--checker', values.checker, CHECKERS, usage);
  const absTol = tolerance('--abs-tol', values['abs-tol'], usage);
  const relTol = tolerance('--rel-tol', values['rel-tol'], usage);
  if (type !== 'float') {
    if (absTol !== undefined || relTol !== undefined) {
      throw new UsageError('--abs-tol and --rel-tol apply only to --checker float', usage);
    }
    return type === undefined ? undefined : { type };
  }
  return {
    type,
    ...(absTol === undefined ? {} : { absTol }),
    ...(relTol === undefined ? {} : { relTol }),
  };
}

function onePositional(positionals: string[], what: string, usage: string): string {
  const [only, ...extra] = positionals;
  if (only === undefined) throw new UsageError(`Missing ${what}`, usage);
  if (extra.length > 0) throw new UsageError(`Unexpected argument "${extra[0]}"`, usage);
  return only;
}

function runCommand(args: string[], env: Env): Command {
  const { values, positionals } = parse(args, RUN_OPTIONS, RUN_USAGE);
  if (values.help) return { kind: 'help', text: RUN_USAGE };
  const file = onePositional(positionals, 'the program file', RUN_USAGE);
  const chosen = language(values.language, RUN_USAGE) ?? languageOf(file);
  if (chosen === undefined) {
    throw new UsageError(
      `Cannot tell the language of "${file}" from its extension; pass --language`,
      RUN_USAGE,
    );
  }
  const limitsRequest = limits(values, RUN_USAGE);
  return {
    kind: 'run',
    server: server(values, env, RUN_USAGE),
    file,
    language: chosen,
    limits: limitsRequest,
  };
}

function gradeCommand(args: string[], env: Env): Command {
  const { values, positionals } = parse(args, GRADE_OPTIONS, GRADE_USAGE);
  if (values.help) return { kind: 'help', text: GRADE_USAGE };
  const submissions = onePositional(positionals, 'the submissions folder', GRADE_USAGE);
  if (values.tests === undefined) throw new UsageError('Missing --tests DIR', GRADE_USAGE);
  const format = oneOf('--format', values.format, FORMATS, GRADE_USAGE);
  if (values.output !== undefined && format === undefined) {
    throw new UsageError('--output needs --format json, csv or junit', GRADE_USAGE);
  }
  return {
    kind: 'grade',
    server: server(values, env, GRADE_USAGE),
    tests: values.tests,
    submissions,
    language: language(values.language, GRADE_USAGE),
    checker: checker(values, GRADE_USAGE),
    limits: limits(values, GRADE_USAGE),
    format,
    output: values.output,
  };
}

const HELP: Readonly<Record<string, string>> = Object.freeze({ run: RUN_USAGE, grade: GRADE_USAGE });

/** Read the command line (without node and the script); `env` gives KILN_URL and KILN_API_KEY. */
export function parseCommand(argv: readonly string[], env: Env): Command {
  const [first, ...rest] = argv;
  if (first === 'run') return runCommand(rest, env);
  if (first === 'grade') return gradeCommand(rest, env);
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) return { kind: 'help', text: MAIN_USAGE };
    const text = HELP[topic];
    if (text === undefined) throw new UsageError(`Unknown command "${topic}"`, MAIN_USAGE);
    return { kind: 'help', text };
  }
  const { values, positionals } = parse([...argv], MAIN_OPTIONS, MAIN_USAGE);
  if (values.version) return { kind: 'version' };
  if (values.help) return { kind: 'help', text: MAIN_USAGE };
  const command = positionals[0];
  if (command !== undefined && HELP[command] !== undefined) {
    throw new UsageError(`Options go after the command: kiln ${command} [options] ...`, HELP[command]);
  }
  if (command !== undefined) throw new UsageError(`Unknown command "${command}"`, MAIN_USAGE);
  throw new UsageError('Missing command', MAIN_USAGE);
}
