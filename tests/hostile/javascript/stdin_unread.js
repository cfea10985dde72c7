// Hostile: gets a mebibyte of stdin and exits at once without reading a byte of it. The agent's write into
// the pipe then fails with EPIPE; it must take that as the program's business (status ok), not die of it.
// expect: ok
// stdin-kb: 1024
// stdout: EXITED
require('node:fs').writeSync(1, 'EXITED without reading stdin\n');
process.reallyExit(0);
