#!/usr/bin/env node
import { text } from 'node:stream/consumers';
import { runCli } from './cli.js';

// `kiln run big.py | head` closes the pipe early: that is the reader's choice, not an error worth a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? 0);
});

// The only place that touches the process: everything below works on the Io it is given.
process.exitCode = await runCli(process.argv.slice(2), {
  env: process.env,
  stdin: { isTTY: process.stdin.isTTY === true, read: () => text(process.stdin) },
  stdout: process.stdout,
  stderr: process.stderr,
});
