import { defineConfig } from 'vitest/config';

// `npm test`: unit tests next to the code and end-to-end suites in test/ that need no outside service.
// The same end-to-end suites run against the built executable with NEPTUNE_BIN=dist/neptune (npm run test:exe).
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The executable's own checks need dist/neptune: only with NEPTUNE_BIN (npm run test:exe).
    exclude: [
      '**/node_modules/**',
      'dist/**',
      ...(process.env.NEPTUNE_BIN ? [] : ['test/executable.e2e.test.ts']),
    ],
    // oclif writes through console.log; vitest must not swallow it (cli-conventions §3).
    disableConsoleIntercept: true,
    // End-to-end tests spawn real processes (servers, agents, the CLI): generous limits, so a busy machine is slow, not red.
    testTimeout: 90_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Most suites wait on real processes (servers, agents, the CLI) rather than compute: vitest's default of one
    // worker per core minus one would run them one file at a time on a 2-core machine.
    maxWorkers: 4,
    typecheck: { enabled: false },
  },
});
