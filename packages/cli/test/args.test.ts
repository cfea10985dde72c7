import { describe, expect, it } from 'vitest';
import { DEFAULT_URL, parseCommand } from '../src/args.js';
import { UsageError } from '../src/errors.js';
import { GRADE_USAGE, MAIN_USAGE, RUN_USAGE } from '../src/usage.js';

const noEnv = {};
const local = { url: DEFAULT_URL, apiKey: undefined };

function usageError(argv: string[], env = noEnv): UsageError {
  try {
    parseCommand(argv, env);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  return expect.fail(`${argv.join(' ')} should be a usage error`);
}

describe('top level', () => {
  it('gives help and version', () => {
    expect(parseCommand(['--help'], noEnv)).toEqual({ kind: 'help', text: MAIN_USAGE });
    expect(parseCommand(['-h'], noEnv)).toEqual({ kind: 'help', text: MAIN_USAGE });
    expect(parseCommand(['help'], noEnv)).toEqual({ kind: 'help', text: MAIN_USAGE });
    expect(parseCommand(['help', 'grade'], noEnv)).toEqual({ kind: 'help', text: GRADE_USAGE });
    expect(parseCommand(['--version'], noEnv)).toEqual({ kind: 'version' });
    expect(parseCommand(['-v'], noEnv)).toEqual({ kind: 'version' });
  });

  it('refuses no command, an unknown one, unknown options and options before the command', () => {
    expect(usageError([])).toMatchObject({ message: 'Missing command', usage: MAIN_USAGE });
    expect(usageError(['build'])).toMatchObject({ message: 'Unknown command "build"', usage: MAIN_USAGE });
    expect(usageError(['help', 'build'])).toMatchObject({ message: 'Unknown command "build"' });
    expect(usageError(['--frobnicate']).message).toMatch(/Unknown option '--frobnicate'/);
    expect(usageError(['--url', 'http://x', 'run', 'a.py'])).toMatchObject({
      message: 'Options go after the command: kiln run [options] ...',
      usage: RUN_USAGE,
    });
  });
});

describe('run', () => {
  it('takes the language from the extension and the server from the defaults', () => {
    expect(parseCommand(['run', 'main.py'], noEnv)).toEqual({
      kind: 'run',
      server: local,
      file: 'main.py',
      language: 'python',
      limits: {},
    });
  });

  it('takes --language, limits, and the server from flags over the environment', () => {
    const env = { KILN_URL: 'http://env:1', KILN_API_KEY: 'env-key' };
    expect(
      parseCommand(['run', '-l', 'cpp', '--time-ms', '2000', '--memory-mb', '64', 'a.txt'], env),
    ).toEqual({
      kind: 'run',
      server: { url: 'http://env:1', apiKey: 'env-key' },
      file: 'a.txt',
      language: 'cpp',
      limits: { timeMs: 2000, memoryMb: 64 },
    });
    const flags = ['run', '--url', 'https://kiln.example/', '--api-key', 'flag-key', 'a.js'];
    expect(parseCommand(flags, env)).toMatchObject({
      server: { url: 'https://kiln.example/', apiKey: 'flag-key' },
      language: 'javascript',
    });
  });

  it('treats empty environment variables as unset', () => {
    expect(parseCommand(['run', 'a.py'], { KILN_URL: '', KILN_API_KEY: '' })).toMatchObject({
      server: local,
    });
  });

  it('shows its own help', () => {
    expect(parseCommand(['run', '--help'], noEnv)).toEqual({ kind: 'help', text: RUN_USAGE });
  });

  it('refuses what it cannot use, with the run usage', () => {
    expect(usageError(['run'])).toMatchObject({ message: 'Missing the program file', usage: RUN_USAGE });
    expect(usageError(['run', 'a.py', 'b.py']).message).toBe('Unexpected argument "b.py"');
    expect(usageError(['run', 'main.rb']).message).toBe(
      'Cannot tell the language of "main.rb" from its extension; pass --language',
    );
    expect(usageError(['run', '-l', 'ruby', 'a.py']).message).toBe(
      'Unknown language "ruby"; use one of python, javascript, cpp',
    );
    expect(usageError(['run', '--time-ms', '0', 'a.py']).message).toBe(
      '--time-ms must be a positive integer, got "0"',
    );
    expect(usageError(['run', '--memory-mb', '1.5', 'a.py']).message).toBe(
      '--memory-mb must be a positive integer, got "1.5"',
    );
    expect(usageError(['run', '--url', 'localhost:5000', 'a.py']).message).toBe(
      'The server URL must be an http(s) URL, got "localhost:5000"',
    );
    expect(usageError(['run', 'a.py'], { KILN_URL: 'ftp://x' }).usage).toBe(RUN_USAGE);
    expect(usageError(['run', '--checker', 'exact', 'a.py']).message).toMatch(/Unknown option '--checker'/);
  });
});

describe('grade', () => {
  it('reads every option', () => {
    const argv = [
      'grade',
      '--tests',
      'tests',
      '--language',
      'cpp',
      '--checker',
      'float',
      '--abs-tol',
      '1e-4',
      '--rel-tol',
      '0',
      '--time-ms',
      '1000',
      '--memory-mb',
      '128',
      '--format',
      'junit',
      '--output',
      'report.xml',
      'subs/',
    ];
    expect(parseCommand(argv, noEnv)).toEqual({
      kind: 'grade',
      server: local,
      tests: 'tests',
      submissions: 'subs/',
      language: 'cpp',
      checker: { type: 'float', absTol: 1e-4, relTol: 0 },
      limits: { timeMs: 1000, memoryMb: 128 },
      format: 'junit',
      output: 'report.xml',
    });
  });

  it('leaves out what was not given', () => {
    expect(parseCommand(['grade', '-t', 'tests', 'subs'], noEnv)).toEqual({
      kind: 'grade',
      server: local,
      tests: 'tests',
      submissions: 'subs',
      language: undefined,
      checker: undefined,
      limits: {},
      format: undefined,
      output: undefined,
    });
    expect(parseCommand(['grade', '-t', 't', '--checker', 'tokens', 's'], noEnv)).toMatchObject({
      checker: { type: 'tokens' },
    });
    expect(parseCommand(['grade', '-t', 't', '--checker', 'float', 's'], noEnv)).toMatchObject({
      checker: { type: 'float' },
    });
  });

  it('refuses what it cannot use, with the grade usage', () => {
    expect(usageError(['grade', 'subs'])).toMatchObject({
      message: 'Missing --tests DIR',
      usage: GRADE_USAGE,
    });
    expect(usageError(['grade', '-t', 't']).message).toBe('Missing the submissions folder');
    expect(usageError(['grade', '-t', 't', '--checker', 'fuzzy', 's']).message).toBe(
      '--checker must be one of lines, exact, tokens, float, unordered_lines, got "fuzzy"',
    );
    expect(usageError(['grade', '-t', 't', '--abs-tol', '0.1', 's']).message).toBe(
      '--abs-tol and --rel-tol apply only to --checker float',
    );
    expect(usageError(['grade', '-t', 't', '--checker', 'float', '--rel-tol=-1', 's']).message).toBe(
      '--rel-tol must be a number of at least 0, got "-1"',
    );
    expect(usageError(['grade', '-t', 't', '--checker', 'float', '--abs-tol', 'x', 's']).message).toBe(
      '--abs-tol must be a number of at least 0, got "x"',
    );
    expect(usageError(['grade', '-t', 't', '--format', 'xml', 's']).message).toBe(
      '--format must be one of json, csv, junit, got "xml"',
    );
    expect(usageError(['grade', '-t', 't', '-o', 'out.csv', 's']).message).toBe(
      '--output needs --format json, csv or junit',
    );
    expect(usageError(['grade', '--tests']).message).toMatch(/--tests/);
  });
});
