import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Language, type LimitsRequest, STATUSES, type Status } from '@kiln/protocol';

export const PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

const EXTENSIONS: Record<Language, string> = { python: '.py', javascript: '.js', cpp: '.cpp' };

/**
 * One attack program and what it must get. The program's leading comment says it, one `key: value` a line:
 *   expect: <status>          the status the run must end with (required)
 *   stdout: <text>            stdout must contain this (repeatable); LEAKED in stdout always fails
 *   limits: <json>            limits of the run, e.g. {"timeMs": 2000}
 *   max-time-ms: <n>          the run's wall time must stay below this (the agent stopped it promptly)
 *   gone: <path|tcp:port>     the next run checks that this file is gone and this port is closed (repeatable)
 *   role: holder|snoop|hog    not a sequential attack: run by the two-slot or the two-replica test
 *   role: spreader            a memory attack: run beside an honest neighbour in the other slot (neighbours.ts)
 *   role: flooder             a flood of files: run beside a neighbour making files in the other slot (flood.ts)
 *   compile: <status>         the status of the compile stage (C++), e.g. memory_limit_exceeded
 *   stdin-kb: <n>             the run's stdin is n KiB of numbered 64-byte lines (see patternStdin)
 *   stdin: targets            the run's stdin lists addresses the program must fail to reach, one
 *                             `<name> <ip> <port>` a line; only the whole-stack test knows them
 *   scope: stack              the defence is the compose stack's (its networks): only tests/stack runs it
 */
export interface HostileProgram {
  readonly language: Language;
  readonly file: string;
  readonly code: string;
  readonly expect: Status;
  readonly stdout: readonly string[];
  readonly limits: LimitsRequest;
  readonly maxTimeMs: number | undefined;
  readonly gone: { readonly paths: readonly string[]; readonly ports: readonly number[] };
  readonly role: Role | undefined;
  readonly compile: Status | undefined;
  /** The run's stdin: none, `kb` KiB of patternStdin, or the stack's network targets. */
  readonly stdin: { readonly kb: number } | 'targets' | undefined;
  readonly stackOnly: boolean;
}

const ROLES = ['holder', 'snoop', 'hog', 'spreader', 'flooder'] as const;
type Role = (typeof ROLES)[number];

const COMMENT = /^\s*(?:#|\/\/|\/\*|\*)\s?(.*)$/;
const FIELD = /^([a-z-]+):\s*(.+?)\s*$/;

function parseProgram(language: Language, file: string, code: string): HostileProgram {
  const fields: Array<[string, string]> = [];
  for (const line of code.split('\n')) {
    if (line.trim() === '') continue;
    const comment = COMMENT.exec(line);
    if (!comment) break; // the header is the leading comment block
    const field = FIELD.exec(comment[1]!.trim());
    if (field) fields.push([field[1]!, field[2]!]);
  }
  const all = (key: string) => fields.filter(([name]) => name === key).map(([, value]) => value);
  const one = (key: string) => all(key)[0];
  const problem = (message: string) => new Error(`${language}/${file}: ${message}`);

  const expect = one('expect');
  if (!expect || !(STATUSES as readonly string[]).includes(expect)) {
    throw problem(`needs a header line "expect: <status>", got ${JSON.stringify(expect)}`);
  }
  const role = one('role');
  if (role !== undefined && !(ROLES as readonly string[]).includes(role))
    throw problem(`unknown role ${role}`);
  const status = (key: string) => {
    const value = one(key);
    if (value !== undefined && !(STATUSES as readonly string[]).includes(value)) {
      throw problem(`"${key}: ${value}" is not a status`);
    }
    return value as Status | undefined;
  };
  const stdinKb = one('stdin-kb');
  const stdin = one('stdin');
  if (stdin !== undefined && stdin !== 'targets') throw problem(`unknown stdin ${stdin}`);
  const scope = one('scope');
  if (scope !== undefined && scope !== 'stack') throw problem(`unknown scope ${scope}`);
  const limits = one('limits');
  const maxTimeMs = one('max-time-ms');
  const gone = all('gone').flatMap((value) => value.split(/\s+/));
  return {
    language,
    file,
    code,
    expect: expect as Status,
    stdout: all('stdout'),
    limits: limits ? (JSON.parse(limits) as LimitsRequest) : {},
    maxTimeMs: maxTimeMs === undefined ? undefined : Number(maxTimeMs),
    gone: {
      paths: gone.filter((item) => item.startsWith('/')),
      ports: gone.filter((item) => item.startsWith('tcp:')).map((item) => Number(item.slice(4))),
    },
    role: role as Role | undefined,
    compile: status('compile'),
    stdin: stdinKb !== undefined ? { kb: Number(stdinKb) } : stdin,
    stackOnly: scope === 'stack',
  };
}

/** `kb` KiB of 64-byte lines, each its own index zero-padded to 63 digits: a program can check every byte. */
export function patternStdin(kb: number): string {
  return Array.from({ length: kb * 16 }, (_, index) => `${String(index).padStart(63, '0')}\n`).join('');
}

export function loadPrograms(language: Language): HostileProgram[] {
  const dir = join(PACKAGE_DIR, language);
  return readdirSync(dir)
    .filter((name) => name.endsWith(EXTENSIONS[language]))
    .sort()
    .map((name) => parseProgram(language, name, readFileSync(join(dir, name), 'utf8')));
}

/** A program from test/programs/<language>/ (the harness's own, not attacks). */
export function harnessProgram(language: Language, name: string): string {
  return readFileSync(
    join(PACKAGE_DIR, 'test', 'programs', language, `${name}${EXTENSIONS[language]}`),
    'utf8',
  );
}
