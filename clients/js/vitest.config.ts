import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60000,
    hookTimeout: 60000,
    // The real-binary suite starts one server per file; keep files apart on a 2-core machine.
    fileParallelism: false,
  },
});
