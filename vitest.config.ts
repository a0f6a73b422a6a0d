import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // An op's own tests sit in its folder (compiler/ops/<op>/*.test.ts), so adding an op edits no shared test.
    include: ['test/**/*.test.ts', 'compiler/ops/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Each test file in its own child process.
    pool: 'forks',
    // vitest's default on 2 cores is one file at a time (cores - 1). The heavy files spend most of
    // their time waiting on compilers, QEMU and worker threads, so two files at a time keep both
    // cores busy while each worker's event loop stays free to answer the runner.
    maxWorkers: Math.max(2, availableParallelism()),
    setupFiles: ['test/helpers/event-loop.ts'],
  },
});
