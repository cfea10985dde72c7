import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Language, LimitsRequest } from '@kiln/protocol';

/**
 * Attack programs of tests/hostile, read from there so both suites run the same files. Each file's leading
 * comment says the status it must get (`expect: …`) and the limits to run it with (`limits: {…}`); the
 * hostile suite documents the format, only those two lines matter here.
 */

const HOSTILE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../hostile');
const EXTENSIONS: Record<Language, string> = { python: '.py', javascript: '.js', cpp: '.cpp' };

export interface AttackProgram {
  language: Language;
  name: string;
  code: string;
  expect: string;
  limits: LimitsRequest;
}

export function attackProgram(language: Language, name: string): AttackProgram {
  const code = readFileSync(resolve(HOSTILE_DIR, language, `${name}${EXTENSIONS[language]}`), 'utf8');
  const field = (key: string) =>
    code
      .split('\n')
      .map((line) => new RegExp(`^\\s*(?:#|//)\\s*${key}:\\s*(.+?)\\s*$`).exec(line)?.[1])
      .find(Boolean);
  const expect = field('expect');
  if (!expect) throw new Error(`${language}/${name} has no "expect:" header line`);
  const limits = field('limits');
  return { language, name, code, expect, limits: limits ? (JSON.parse(limits) as LimitsRequest) : {} };
}
