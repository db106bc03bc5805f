import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: PGlite instances are ~400 MB and CPU-heavy; keep parallelism modest.
    maxWorkers: 2,
    pool: 'forks',
    reporters: ['default'],
    globalSetup: ['test/helpers/global-setup.ts'],
  },
})
