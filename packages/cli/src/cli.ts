import { readFileSync } from 'node:fs';
import { KilnApiError, KilnNetworkError } from '@kiln/client';
import { parseCommand } from './args.js';
import { gradeFolder } from './commands/grade.js';
import { runFile } from './commands/run.js';
import { InputError, UsageError } from './errors.js';
import { EXIT } from './exit-codes.js';
import type { Io } from './io.js';

/** The package's version; package.json sits one level above both src/ and dist/. */
export function version(): string {
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return String(manifest.version);
}

function apiFailure(err: KilnApiError | KilnNetworkError): string {
  if (err instanceof KilnNetworkError) return `kiln: ${err.message}\n`;
  const retry = err.retryAfterSeconds === undefined ? '' : ` (retry in ${err.retryAfterSeconds} s)`;
  const hint = err.status === 401 || err.status === 403 ? '; check --api-key or KILN_API_KEY' : '';
  return `kiln: the server refused: ${err.message} [${err.status} ${err.code}]${retry}${hint}\n`;
}

/** Run one command line to its exit code; every expected failure becomes a message on stderr. */
export async function runCli(argv: readonly string[], io: Io): Promise<number> {
  try {
    const command = parseCommand(argv, io.env);
    switch (command.kind) {
      case 'help':
        io.stdout.write(command.text);
        return EXIT.ok;
      case 'version':
        io.stdout.write(`kiln ${version()}\n`);
        return EXIT.ok;
      case 'run':
        return await runFile(command, io);
      case 'grade':
        return await gradeFolder(command, io);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`kiln: ${err.message}\n\n${err.usage}`);
      return EXIT.usage;
    }
    if (err instanceof InputError) {
      io.stderr.write(`kiln: ${err.message}\n`);
      return EXIT.usage;
    }
    if (err instanceof KilnApiError || err instanceof KilnNetworkError) {
      io.stderr.write(apiFailure(err));
      return EXIT.apiFailure;
    }
    throw err;
  }
}
