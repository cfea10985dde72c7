import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Agents of the same language share slot uids: test files must not run side by side.
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
