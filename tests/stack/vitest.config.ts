import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // One compose stack for the whole run, shared by the files in order; building it takes a while.
    fileParallelism: false,
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 900_000,
  },
});
