// `npm run test:electron-smoke`: the bundled Electron main process (dist/electron/main.cjs) started under
// plain Node with the recording stand-in for `electron` (e2e/fixtures/electron-stand-in/). The npm
// script builds the bundles first; these files are not part of build/vitest.config.ts, so nothing runs
// twice and the unit run needs no build.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root,
  test: {
    name: 'electron-smoke',
    environment: 'node',
    include: ['e2e/electron-smoke/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file starts one or two main processes; one file at a time.
    maxWorkers: 1,
  },
});
