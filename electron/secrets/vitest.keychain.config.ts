// Vitest config for the real-keychain integration test only (run by run-keychain-tests.sh). It is a
// separate config because vitest 4 only runs files that match `include` — a file named on the command
// line is a filter, not an addition — and the shared build/vitest.config.ts deliberately includes only
// *.test.ts, keeping this OS-dependent test out of the normal run. There is no --include CLI flag.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    name: 'keychain',
    environment: 'node',
    include: ['electron/secrets/**/*.itest.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
