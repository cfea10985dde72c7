import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../src/errors.js';
import { loadSubmissions, submissionFiles } from '../src/submissions-dir.js';
import { loadTests, pairTestFiles } from '../src/tests-dir.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kiln-cli-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function inputError(call: () => unknown): string {
  try {
    call();
  } catch (err) {
    if (err instanceof InputError) return err.message;
    throw err;
  }
  return expect.fail('should be an InputError');
}

describe('pairTestFiles', () => {
  it('pairs NAME.in with NAME.out in natural order and ignores other files', () => {
    const names = ['10.in', '10.out', '2.out', '2.in', 'README.md', 'b.in', 'b.out', 'a.in', 'a.out'];
    expect(pairTestFiles('t', names)).toEqual(['2', '10', 'a', 'b']);
  });

  it('names every file without its pair', () => {
    expect(inputError(() => pairTestFiles('t', ['a.in', 'b.in', 'b.out', 'c.out', 'd.in']))).toBe(
      'Tests folder t: no .out for a.in, d.in; no .in for c.out',
    );
  });

  it('wants at least one pair and at most MAX_TESTS', () => {
    expect(inputError(() => pairTestFiles('t', ['notes.txt']))).toBe(
      'Tests folder t holds no NAME.in/NAME.out pairs',
    );
    const many = Array.from({ length: 101 }, (_, i) => [`${i}.in`, `${i}.out`]).flat();
    expect(inputError(() => pairTestFiles('t', many))).toBe(
      'Tests folder t holds 101 tests; at most 100 are allowed',
    );
  });

  it('refuses names the API cannot take', () => {
    expect(inputError(() => pairTestFiles('t', ['.in', '.out']))).toBe(
      'Test name "" in t must be 1 to 100 characters long',
    );
  });
});

describe('loadTests', () => {
  it('reads each pair as stdin and expected output', async () => {
    await writeFile(join(dir, 'one.in'), '1 2\n');
    await writeFile(join(dir, 'one.out'), '3\n');
    await writeFile(join(dir, 'two.in'), '');
    await writeFile(join(dir, 'two.out'), 'é\r\n');
    await mkdir(join(dir, 'sub.in'));
    expect(await loadTests(dir)).toEqual([
      { name: 'one', stdin: '1 2\n', expected: '3\n' },
      { name: 'two', stdin: '', expected: 'é\r\n' },
    ]);
  });

  it('says which folder it could not read', async () => {
    const missing = join(dir, 'nope');
    await expect(loadTests(missing)).rejects.toThrow(
      new InputError(`Cannot read tests folder ${missing}: no such file or directory`),
    );
  });
});

describe('submissionFiles', () => {
  it('makes one submission per file, id without extension, language from it', () => {
    expect(submissionFiles('s', ['bob.cpp', 'alice.py', '.DS_Store', 'carol.v2.js'], undefined)).toEqual([
      { file: 'alice.py', id: 'alice', language: 'python' },
      { file: 'bob.cpp', id: 'bob', language: 'cpp' },
      { file: 'carol.v2.js', id: 'carol.v2', language: 'javascript' },
    ]);
  });

  it('uses --language for every file when given', () => {
    expect(submissionFiles('s', ['alice.txt', 'bob'], 'cpp')).toEqual([
      { file: 'alice.txt', id: 'alice', language: 'cpp' },
      { file: 'bob', id: 'bob', language: 'cpp' },
    ]);
  });

  it('refuses unknown extensions, bad ids, duplicate ids and an empty folder', () => {
    expect(inputError(() => submissionFiles('s', ['a.py', 'b.rb', 'c'], undefined))).toBe(
      'Cannot tell the language of b.rb, c in s from the extension; pass --language',
    );
    expect(inputError(() => submissionFiles('s', ['jo hn.py', 'é.py'], undefined))).toBe(
      'Submission ids may hold only letters, digits and . _ @ - (at most 200): rename jo hn.py, é.py',
    );
    expect(inputError(() => submissionFiles('s', ['a.py', 'a.cpp'], undefined))).toBe(
      'a.cpp and a.py in s are both submission "a"',
    );
    expect(inputError(() => submissionFiles('s', ['.gitkeep'], undefined))).toBe(
      'Submissions folder s holds no files',
    );
  });
});

describe('loadSubmissions', () => {
  it("reads each file's content as its code", async () => {
    await writeFile(join(dir, 'alice.py'), 'print(1)\n');
    await writeFile(join(dir, 'bob.cc'), 'int main() {}\n');
    expect(await loadSubmissions(dir, undefined)).toEqual([
      { id: 'alice', language: 'python', code: 'print(1)\n' },
      { id: 'bob', language: 'cpp', code: 'int main() {}\n' },
    ]);
  });
});
