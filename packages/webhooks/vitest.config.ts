import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Every file starts its own redis-server on a free port, so files may run side by side.
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
