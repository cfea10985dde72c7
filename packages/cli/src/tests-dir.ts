import { join } from 'node:path';
import { MAX_TESTS, type TestCase } from '@kiln/api';
import { InputError } from './errors.js';
import { listFiles, readText } from './files.js';
import { naturalCompare } from './names.js';

/** A tests folder: NAME.in (the stdin) and NAME.out (the expected stdout) for each test, other files ignored. */

const MAX_NAME_LENGTH = 100;

/** The test names of a folder's file names, in natural order; a .in without its .out (or back) is an error. */
export function pairTestFiles(dir: string, fileNames: readonly string[]): string[] {
  const inputs = new Set(fileNames.filter((name) => name.endsWith('.in')).map((name) => name.slice(0, -3)));
  const outputs = new Set(fileNames.filter((name) => name.endsWith('.out')).map((name) => name.slice(0, -4)));
  const noOut = [...inputs].filter((name) => !outputs.has(name)).sort(naturalCompare);
  const noIn = [...outputs].filter((name) => !inputs.has(name)).sort(naturalCompare);
  const problems = [
    ...(noOut.length > 0 ? [`no .out for ${noOut.map((name) => `${name}.in`).join(', ')}`] : []),
    ...(noIn.length > 0 ? [`no .in for ${noIn.map((name) => `${name}.out`).join(', ')}`] : []),
  ];
  if (problems.length > 0) throw new InputError(`Tests folder ${dir}: ${problems.join('; ')}`);

  const names = [...inputs].sort(naturalCompare);
  if (names.length === 0) throw new InputError(`Tests folder ${dir} holds no NAME.in/NAME.out pairs`);
  if (names.length > MAX_TESTS) {
    throw new InputError(`Tests folder ${dir} holds ${names.length} tests; at most ${MAX_TESTS} are allowed`);
  }
  const long = names.find((name) => name.length === 0 || name.length > MAX_NAME_LENGTH);
  if (long !== undefined) {
    throw new InputError(`Test name "${long}" in ${dir} must be 1 to ${MAX_NAME_LENGTH} characters long`);
  }
  return names;
}

/** The tests of a folder, named after their files, in natural order of the names. */
export async function loadTests(dir: string): Promise<TestCase[]> {
  const names = pairTestFiles(dir, await listFiles(dir, 'tests folder'));
  return Promise.all(
    names.map(async (name) => ({
      name,
      stdin: await readText(join(dir, `${name}.in`)),
      expected: await readText(join(dir, `${name}.out`)),
    })),
  );
}
