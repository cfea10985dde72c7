// Hostile: an output flood. Writes 64 KiB chunks to stdout as fast as Node will take them, for ever; the
// agent must cut it at the output cap, kill it and keep what came.
// expect: output_limit_exceeded
const chunk = `${'x'.repeat(65535)}\n`;
const flood = () => {
  while (process.stdout.write(chunk)) {}
  process.stdout.once('drain', flood);
};
flood();
