// The honest neighbour of a memory attack: takes most of its own limit (64 MB of Buffers beside Node's own
// 40-odd MB, out of 128), fills it with a pattern, holds it for a moment and prints its digest.
const { createHash } = require('node:crypto');

const pattern = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const block = Buffer.alloc(64 * 1024 * 1024, pattern);
setTimeout(() => {
  const digest = createHash('sha256').update(block).digest('hex').slice(0, 16);
  console.log('neighbour', block.length >> 20, 'MB', digest);
}, 800);
