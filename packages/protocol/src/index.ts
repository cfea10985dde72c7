export * from './frames.js';
export * from './languages.js';
export * from './limits.js';
export * from './queue.js';
export * from './results.js';
export * from './validate.js';
