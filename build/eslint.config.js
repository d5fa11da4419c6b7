// Folder boundaries enforced by lint, not review (CONTRIBUTING.md 1, Signal-Desktop's lesson):
// shared/ imports nothing platform-specific; renderer/ imports only shared/ and itself; only the
// Electron shell files import 'electron'.
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import svelteParser from 'svelte-eslint-parser';

const NODE_BUILTINS = ['node:*', 'fs', 'path', 'os', 'net', 'tls', 'crypto', 'child_process', 'http', 'https', 'events', 'url', 'stream', 'util'];
const restrict = (patterns) => ['error', { patterns }];
const RENDERER = [
  { group: ['electron', ...NODE_BUILTINS], message: 'The renderer is sandboxed: no Node or Electron.' },
  { group: ['**/electron/**', '**/e2e/**'], message: 'The renderer talks to main only through shared/ and lib/api.ts.' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', '**/*.mjs', '**/*.js', 'renderer/vite.config.ts'] },
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
  // The renderer's components: parsed by the Svelte parser (TypeScript in <script lang="ts">), held to the
  // Svelte plugin's recommended rules and to the same import boundary as the renderer's .ts files.
  ...svelte.configs['flat/recommended'].map((c) => ({ ...c, files: ['renderer/**/*.svelte'] })),
  {
    files: ['renderer/**/*.svelte'],
    languageOptions: { parser: svelteParser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      'no-debugger': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `{' '}` is how a component keeps a space between an inline element and the next word.
      'svelte/no-useless-mustaches': 'off',
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    rules: { '@typescript-eslint/no-restricted-imports': restrict(RENDERER) },
  },
  {
    // Components send commands through the stores; only the root (App.svelte) hands the api to them.
    files: ['renderer/src/**/*.svelte'],
    ignores: ['renderer/src/App.svelte'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        ...RENDERER,
        { group: ['$lib/api', '$lib/api.js', '**/lib/api', '**/lib/api.js'], message: 'Components call their store, not the api.' },
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
  {
    // The layers under the core know nothing of it (ARCHITECTURE.md "Process model").
    files: ['electron/xmpp/**/*.ts', 'electron/omemo/**/*.ts', 'electron/store/**/*.ts', 'electron/lib/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { group: ['electron'], message: 'Core code runs under plain Node: only the Electron shell imports electron.' },
        { group: ['**/renderer/**'], message: 'main never imports the renderer.' },
        { group: ['**/core/**', '**/electron/core/**'], message: 'xmpp/, omemo/, store/ and lib/ are used by the core and never import it.' },
      ]),
    },
  },
  {
    // SQL lives in store/ repos, which map columns to records in one place per table (CONTRIBUTING.md 6).
    files: ['electron/core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': ['error',
        { selector: "CallExpression[callee.property.name=/^(prepare|pragma)$/]", message: 'SQL belongs in a repo in electron/store/.' },
        { selector: "CallExpression[callee.property.name='exec'][arguments.0.type=/^(Literal|TemplateLiteral)$/]", message: 'SQL belongs in a repo in electron/store/.' },
      ],
    },
  },
);
