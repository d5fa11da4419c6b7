// Unit and integration tests. Two projects: everything under Node (real Prosody, real SQLite), and
// renderer component tests in jsdom with Svelte's browser build.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root,
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Integration tests each start their own Prosody on free ports; two at a time fits 2 cores.
    maxWorkers: 2,
    projects: [
      {
        root,
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'electron/**/*.test.ts',
            'shared/**/*.test.ts',
            'e2e/fixtures/**/*.test.ts',
            'e2e/faults/**/*.test.ts',
            'e2e/fuzz/**/*.test.ts',
            'e2e/interop/**/*.test.ts',
            'build/**/*.test.ts',
            'bench/**/*.test.ts',
          ],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        root,
        plugins: [svelte()],
        // The renderer's import aliases, as in renderer/vite.config.ts and renderer/tsconfig.json.
        resolve: {
          conditions: ['browser'],
          alias: { $shared: `${root}shared`, $lib: `${root}renderer/src/lib` },
        },
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/src/**/*.test.ts'],
        },
      },
    ],
  },
});
