// Compiles the kiln-run helper (native/kiln-run.c) into dist/kiln-run with the machine's C compiler.
// Images compile it in their own build stage; this is for the host tests and benchmarks.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';

mkdirSync('dist', { recursive: true });
execFileSync('cc', ['-O2', '-Wall', '-Wextra', '-Werror', '-o', 'dist/kiln-run', 'native/kiln-run.c'], {
  stdio: 'inherit',
});
