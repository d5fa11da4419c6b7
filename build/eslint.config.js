// Folder boundaries enforced by lint, not review (CONTRIBUTING.md 1, Signal-Desktop's lesson):
// shared/ imports nothing platform-specific; renderer/ imports only shared/ and itself; only the
// Electron shell files import 'electron'.
import tseslint from 'typescript-eslint';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'net', 'tls', 'crypto', 'child_process', 'http', 'https', 'events', 'url', 'stream', 'util'];
const restrict = (patterns) => ['error', { patterns }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '**/*.svelte', '**/*.mjs', '**/*.js', 'renderer/vite.config.ts'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, parserOptions: { ecmaVersion: 'latest', sourceType: 'module' } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-debugger': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { group: ['electron', ...NODE_BUILTINS], message: 'shared/ is the IPC contract: no Node or Electron.' },
        { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ imports nothing from the processes.' },
      ]),
    },
  },
  {
    files: ['renderer/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { group: ['electron', ...NODE_BUILTINS], message: 'The renderer is sandboxed: no Node or Electron.' },
        { group: ['**/electron/**', '**/e2e/**'], message: 'The renderer talks to main only through shared/ and lib/api.ts.' },
      ]),
    },
  },
  {
    files: ['electron/core/**/*.ts', 'electron/lib/**/*.ts', 'electron/xmpp/**/*.ts', 'electron/omemo/**/*.ts', 'electron/store/**/*.ts', 'electron/secrets/**/*.ts', 'electron/host-web/**/*.ts', 'electron/ipc/router.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { group: ['electron'], message: 'Core code runs under plain Node: only the Electron shell imports electron.' },
        { group: ['**/renderer/**'], message: 'main never imports the renderer.' },
      ]),
    },
  },
);
