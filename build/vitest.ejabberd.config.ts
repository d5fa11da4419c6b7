// `npm run test:ejabberd`: the core paths against a real ejabberd (Debian's 23.01), the second server
// beside Prosody. Each file starts its own ejabberd (e2e/fixtures/ejabberd.ts); these files are not part
// of build/vitest.config.ts, so nothing runs twice.
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root,
  test: {
    name: 'ejabberd',
    environment: 'node',
    include: ['e2e/ejabberd/**/*.ejabberd.test.ts'],
    testTimeout: 30_000,
    // A beforeAll starts an Erlang VM, registers accounts (one ejabberdctl VM each) and signs cores in:
    // on a loaded 2-core machine that alone can take most of a minute.
    hookTimeout: 120_000,
    // Two servers (each an Erlang VM) and their cores at a time fit 2 cores.
    maxWorkers: 2,
  },
});
