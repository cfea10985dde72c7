import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LanguageSchema, LimitsSchema } from '@kiln/protocol';
import Type, { type Static } from 'typebox';
import Compile from 'typebox/compile';
import { ConfigError } from './config.js';

/**
 * The small table an executor image adds to the shared agent (executors/<language>/language.json).
 * Commands are argv arrays, never shell strings; `{name}` placeholders are filled per run.
 */
/**
 * A compile's limits. Its verdict must not depend on how busy the machine is: the time limit is CPU time
 * (`cpuTimeMs`), and the wall clock (`timeMs`) only a far looser backstop for a compile that waits.
 */
const StageLimitsSchema = Type.Object({
  cpuTimeMs: Type.Integer({ minimum: 1 }),
  timeMs: Type.Integer({ minimum: 1 }),
  memoryMb: Type.Integer({ minimum: 1 }),
  outputKb: Type.Integer({ minimum: 1 }),
});

export const LanguageSpecSchema = Type.Object(
  {
    language: LanguageSchema,
    versionCommand: Type.Array(Type.String(), { minItems: 1 }),
    sourceFile: Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }),
    compile: Type.Optional(
      Type.Object({
        command: Type.Array(Type.String(), { minItems: 1 }),
        binaryFile: Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }),
        limits: StageLimitsSchema,
      }),
    ),
    run: Type.Array(Type.String(), { minItems: 1 }),
    /**
     * The warm start: `run` may be started ahead of its run, with `{source}` a FIFO it waits on until the
     * run's source comes (see native/kiln-run.c, the gate). For interpreters that read their source file
     * only once they are up, which is what makes the start-up worth paying early.
     */
    warmStart: Type.Optional(Type.Boolean()),
    /**
     * How the memory limit is enforced: `address-space` (RLIMIT_AS) where the runtime tolerates it. V8 does
     * not: it reserves far more address space than it touches, and Node 24 counts a 512 MB code range per
     * isolate (each worker thread) against RLIMIT_DATA too. So `heap`: the runtime's own flag caps the
     * heap (--max-old-space-size in the run command), and the rest (Buffers) is bounded by the container's
     * memory, where the kernel's OOM killer takes the program first (oom_score_adj 1000, guarded).
     */
    memoryRlimit: Type.Union([Type.Literal('address-space'), Type.Literal('heap')]),
    /** stderr lines by which the runtime says it ran out of memory (regular expressions, multiline). */
    memoryErrorPatterns: Type.Array(Type.String()),
    uidBase: Type.Integer({ minimum: 1000, maximum: 4_000_000_000 }),
    processes: Type.Integer({ minimum: 1 }),
    openFiles: Type.Integer({ minimum: 16 }),
    fileSizeMb: Type.Integer({ minimum: 1 }),
    limits: Type.Object({ defaults: LimitsSchema, maximums: LimitsSchema }),
  },
  { additionalProperties: false },
);
export type LanguageSpec = Static<typeof LanguageSpecSchema>;

/** A language table with its tools resolved to absolute paths and its toolchain version read once. */
export interface Toolchain {
  readonly spec: LanguageSpec;
  readonly version: string;
  readonly memoryErrors: readonly RegExp[];
  resolve(name: string): string;
}

const validator = Compile(LanguageSpecSchema);

export function loadToolchain(file: string, toolPath: string): Toolchain {
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!validator.Check(raw)) {
    const problems = validator.Errors(raw).map((e) => `${file}${e.instancePath}: ${e.message}`);
    throw new ConfigError(problems);
  }
  const spec = raw as LanguageSpec;
  const resolved = new Map<string, string>();
  const resolve = (name: string): string => {
    if (name.startsWith('/') || name.startsWith('./') || name.startsWith('{')) return name;
    const cached = resolved.get(name);
    if (cached) return cached;
    for (const dir of toolPath.split(':')) {
      const candidate = join(dir, name);
      try {
        accessSync(candidate, constants.X_OK);
        resolved.set(name, candidate);
        return candidate;
      } catch {}
    }
    throw new ConfigError([`${name} (needed by ${spec.language}) is not in KILN_TOOL_PATH=${toolPath}`]);
  };
  const [tool, ...args] = spec.versionCommand;
  const output = execFileSync(resolve(tool!), args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const version = output.split('\n')[0]!.trim();
  for (const command of [spec.run, spec.compile?.command ?? []]) {
    if (command[0]) resolve(command[0]);
  }
  const memoryErrors = spec.memoryErrorPatterns.map((p) => new RegExp(p, 'm'));
  return { spec, version, memoryErrors, resolve };
}

/** Fill `{name}` placeholders of an argv template. An unknown placeholder is a table bug: fail loudly. */
export function fillArgv(template: readonly string[], values: Record<string, string>): string[] {
  return template.map((part) =>
    part.replace(/\{(\w+)\}/g, (_match, key: string) => {
      const value = values[key];
      if (value === undefined) throw new Error(`language table uses unknown placeholder {${key}}`);
      return value;
    }),
  );
}
