export * from './redis.js';
export * from './redis-fixture.js';
