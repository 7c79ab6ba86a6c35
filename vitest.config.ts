import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

// Most of the suite waits on child processes, databases, browsers and timers rather than the CPU: vitest's
// default of (cores − 1) workers ran it serially on a 2-core machine (746 s in CI); two workers there take 425 s.
const workers = Math.max(2, availableParallelism() - 1);

// biome-ignore lint/style/noDefaultExport: vitest requires a default export
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'dashboard/src/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: workers,
    minWorkers: Math.min(2, workers),
  },
});
