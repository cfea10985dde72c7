const name = require('node:fs').readFileSync(0, 'utf8').trim();
console.log(`hello, ${name}!`);
