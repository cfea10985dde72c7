import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { baseUrl } from './support/http.js';

/**
 * @kiln/client and @kiln/cli as people get them: packed as for publishing, installed with npm into an empty
 * folder outside the workspace (no workspace links, no pnpm), then used from there against the stack.
 */

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PACKAGES = { client: 'packages/client', cli: 'packages/cli' } as const;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run a command to its end with stdin closed; a non-zero exit is returned, not thrown. */
function run(file: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((done, fail) => {
    const child = execFile(
      file,
      args,
      { cwd, env: { ...process.env, ...env }, timeout: 300_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number') fail(err);
        else done({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
      },
    );
    child.stdin?.end();
  });
}

async function ok(file: string, args: readonly string[], cwd: string, env?: NodeJS.ProcessEnv) {
  const result = await run(file, args, cwd, env);
  if (result.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited ${result.code}:\n${result.stdout}${result.stderr}`);
  }
  return result;
}

let work: string;
let app: string;
const installed = (name: string) => join(app, 'node_modules', '@kiln', name);

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'kiln-packages-'));
  const tarballs = join(work, 'tarballs');
  app = join(work, 'app');
  await mkdir(app);
  for (const dir of Object.values(PACKAGES)) {
    // turbo builds both before the tests (`test` depends on `^build`); a direct vitest run may not have.
    if (!existsSync(join(root, dir, 'dist')))
      throw new Error(`${dir}/dist is missing: run \`pnpm build\` first`);
    await ok('pnpm', ['pack', '--pack-destination', tarballs], join(root, dir));
  }
  const packed = (await readdir(tarballs)).filter((name) => name.endsWith('.tgz'));
  expect(packed.sort()).toEqual([
    expect.stringMatching(/^kiln-cli-.+\.tgz$/),
    expect.stringMatching(/^kiln-client-.+\.tgz$/),
  ]);

  // An app of someone else's: its own package.json, nothing above it that npm or Node would pick up.
  await writeFile(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  const paths = packed.map((name) => join(tarballs, name));
  await ok('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...paths], app);
});

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed packages', () => {
  it('install as published packages: MIT, not private, no dependency on an unpublished @kiln package', async () => {
    for (const name of Object.keys(PACKAGES)) {
      const manifest = JSON.parse(await readFile(join(installed(name), 'package.json'), 'utf8'));
      expect(manifest).toMatchObject({
        name: `@kiln/${name}`,
        license: 'MIT',
        engines: { node: expect.any(String) },
      });
      expect(manifest.private).toBeUndefined();
      expect(Object.keys(manifest.dependencies ?? {}).filter((dep) => dep.startsWith('@kiln/'))).toEqual([]);
      expect(existsSync(join(installed(name), 'LICENSE'))).toBe(true);
    }
    expect((await readdir(join(app, 'node_modules', '@kiln'))).sort()).toEqual(['cli', 'client']);
    expect(existsSync(join(installed('client'), 'dist', 'index.d.ts'))).toBe(true);
  });

  it('give a `kiln` command that runs from the app folder', async () => {
    const { version } = JSON.parse(await readFile(join(root, PACKAGES.cli, 'package.json'), 'utf8'));
    const kiln = join(app, 'node_modules', '.bin', 'kiln');
    expect(await ok(kiln, ['--version'], app)).toEqual({ code: 0, stdout: `kiln ${version}\n`, stderr: '' });

    await writeFile(join(app, 'hello.py'), 'print("hello from kiln run")\n');
    const hello = await run(kiln, ['run', 'hello.py'], app, { KILN_URL: baseUrl(), KILN_API_KEY: '' });
    expect(hello, hello.stderr).toEqual({ code: 0, stdout: 'hello from kiln run\n', stderr: '' });
  });

  it('give a client that an ES module in the app imports and runs code with', async () => {
    await writeFile(
      join(app, 'hello.mjs'),
      [
        "import { KilnClient } from '@kiln/client';",
        'const kiln = new KilnClient({ baseUrl: process.env.KILN_URL, retry: { attempts: 2 } });',
        "const result = await kiln.run({ language: 'python', code: 'print(\"hello from the client\")' });",
        'console.log(JSON.stringify(result));',
        '',
      ].join('\n'),
    );
    const { stdout } = await ok('node', ['hello.mjs'], app, { KILN_URL: baseUrl() });
    expect(JSON.parse(stdout)).toMatchObject({
      language: 'python',
      status: 'ok',
      exitCode: 0,
      stdout: 'hello from the client\n',
      stderr: '',
    });
  });

  it('give types a strict TypeScript app compiles against, from what npm installed alone', async () => {
    // The client's types come from @kiln/api's schemas; the published .d.ts must carry them, needing only
    // the package's own dependencies. An `any` anywhere would make the @ts-expect-error lines fail.
    await writeFile(
      join(app, 'typed.ts'),
      [
        "import { type Batch, type ExecutionResult, KilnClient, type Status, type SubmissionRequest } from '@kiln/client';",
        "const kiln = new KilnClient({ baseUrl: 'http://localhost:5000' });",
        'export async function use(): Promise<string> {',
        "  const result: ExecutionResult = await kiln.run({ language: 'python', code: 'print(1)' });",
        '  const status: Status = result.status;',
        "  const request: SubmissionRequest = { language: 'cpp', code: '', tests: [{ stdin: '', expected: '' }] };",
        '  // @ts-expect-error: not a language Kiln runs',
        "  const wrong: SubmissionRequest = { language: 'cobol', code: '', tests: [] };",
        '  // @ts-expect-error: a status is one of the named ones',
        "  const unknown: Status = 'crashed';",
        '  const batch = (globalThis as { batch?: Batch }).batch;',
        "  return [status, request.tests.length, wrong.code, unknown, batch?.states.queued].join(' ');",
        '}',
        '',
      ].join('\n'),
    );
    await writeFile(
      join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          module: 'nodenext',
          target: 'es2022',
          noEmit: true,
          skipLibCheck: false,
          types: [],
        },
        files: ['typed.ts'],
      }),
    );
    const tsc = await run(join(root, 'node_modules', '.bin', 'tsc'), ['-p', '.'], app);
    expect(tsc, `${tsc.stdout}${tsc.stderr}`).toMatchObject({ code: 0 });
  });
});
