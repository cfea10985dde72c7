// Compiles the kiln-run helper (native/*.c) into dist/kiln-run with the machine's C compiler.
// Images compile it in their own build stage; this is for the host tests and benchmarks.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';

const sources = readdirSync('native')
  .filter((name) => name.endsWith('.c'))
  .map((name) => `native/${name}`);
mkdirSync('dist', { recursive: true });
execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', 'dist/kiln-run', ...sources], {
  stdio: 'inherit',
});
