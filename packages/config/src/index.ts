export * from './errors.js';
export * from './read.js';
export * from './redis.js';
export * from './settings.js';
export * from './shared.js';
