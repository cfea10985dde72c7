import { readdir, readFile } from 'node:fs/promises';
import { InputError, systemReason } from './errors.js';

/** Reading the user's files, every failure an InputError that names the path. */

/** The file names directly in a folder (files and links to them; folders are skipped). */
export async function listFiles(dir: string, what: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((entry) => entry.isFile() || entry.isSymbolicLink()).map((entry) => entry.name);
  } catch (err) {
    throw new InputError(`Cannot read ${what} ${dir}: ${systemReason(err)}`, { cause: err });
  }
}

export async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`Cannot read ${path}: ${systemReason(err)}`, { cause: err });
  }
}
