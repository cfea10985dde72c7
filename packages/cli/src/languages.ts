import { extname } from 'node:path';
import type { Language } from '@kiln/api';

/** File extensions (lower case, with the dot) and the language each means. */
const EXTENSIONS: Readonly<Record<string, Language>> = Object.freeze({
  '.py': 'python',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cpp': 'cpp',
  '.cc': 'cpp',
  '.cxx': 'cpp',
});

/** The language a file's extension names (case does not matter), or undefined for any other extension. */
export function languageOf(file: string): Language | undefined {
  return EXTENSIONS[extname(file).toLowerCase()];
}
