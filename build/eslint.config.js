// Folder boundaries enforced by lint, not review (CONTRIBUTING.md 1, Signal-Desktop's lesson):
// shared/ imports nothing platform-specific; renderer/ imports only shared/ and itself; only the
// Electron shell files import 'electron'.
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import svelteParser from 'svelte-eslint-parser';

const NODE_BUILTINS = [
  'node:*',
  'fs',
  'path',
  'os',
  'net',
  'tls',
  'crypto',
  'child_process',
  'http',
  'https',
  'events',
  'url',
  'stream',
  'util',
];
const restrict = (patterns) => ['error', { patterns }];
// One of each helper (issue #12 §4): what used to be written out by hand in many places has one home.
const ONE_OF_EACH = [
  {
    selector: "CallExpression[callee.property.name='request'][callee.object.property.name='iqCaller']",
    message: 'Ask with requestIq() (electron/xmpp/iq.ts): one default timeout, a StanzaError for an error reply.',
  },
  {
    selector: "CallExpression[callee.property.name='getChild'][arguments.0.value='error']",
    message: 'Read stanza errors with parseStanzaError() (electron/xmpp/rfc/6120-stanza-errors.ts).',
  },
  {
    selector: "Literal[value='urn:ietf:params:xml:ns:xmpp-stanzas']",
    message: 'Use NS_STANZAS from electron/xmpp/rfc/6120-stanza-errors.ts.',
  },
  {
    selector: "MemberExpression[property.name='message'][object.type='TSAsExpression'][object.typeAnnotation.typeName.name='Error']",
    message: 'Use errorMessage(err) (electron/lib/error-message.ts): what is thrown need not be an Error.',
  },
  {
    selector: "TemplateLiteral[quasis.length=3][quasis.0.value.raw=''][quasis.1.value.raw='|'][quasis.2.value.raw='']",
    message: 'Use accountKey() (electron/lib/account-key.ts) or conversationIdOf() (electron/store/messages-repo.ts).',
  },
];
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
    files: [
      'electron/core/**/*.ts',
      'electron/lib/**/*.ts',
      'electron/xmpp/**/*.ts',
      'electron/omemo/**/*.ts',
      'electron/store/**/*.ts',
      'electron/secrets/**/*.ts',
      'electron/host-web/**/*.ts',
      'electron/ipc/router.ts',
    ],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { group: ['electron'], message: 'Core code runs under plain Node: only the Electron shell imports electron.' },
        { group: ['**/renderer/**'], message: 'main never imports the renderer.' },
      ]),
    },
  },
  {
    // A feature imports another only through its index.ts, its public surface, and the composition root imports
    // the features so too (issue #12 §1); inside a feature, files import each other freely; tests may reach in.
    files: ['electron/core/*/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { group: ['electron'], message: 'Core code runs under plain Node: only the Electron shell imports electron.' },
        { group: ['**/renderer/**'], message: 'main never imports the renderer.' },
        {
          regex: '^\\.\\./[^./][^/]*/(?!index\\.js$)',
          message: 'Another feature is imported through its index.ts: ../<feature>/index.js.',
        },
      ]),
    },
  },
  {
    files: ['electron/core/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': restrict([
        { group: ['electron'], message: 'Core code runs under plain Node: only the Electron shell imports electron.' },
        { group: ['**/renderer/**'], message: 'main never imports the renderer.' },
        {
          regex: '^\\./[^./][^/]*/(?!index\\.js$)',
          message: 'The composition root imports a feature through its index.ts: ./<feature>/index.js.',
        },
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
        {
          group: ['**/core/**', '**/electron/core/**'],
          message: 'xmpp/, omemo/, store/ and lib/ are used by the core and never import it.',
        },
      ]),
    },
  },
  {
    // SQL lives in store/ repos, which map columns to records in one place per table (CONTRIBUTING.md 6).
    files: ['electron/core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        { selector: 'CallExpression[callee.property.name=/^(prepare|pragma)$/]', message: 'SQL belongs in a repo in electron/store/.' },
        {
          selector: "CallExpression[callee.property.name='exec'][arguments.0.type=/^(Literal|TemplateLiteral)$/]",
          message: 'SQL belongs in a repo in electron/store/.',
        },
        ...ONE_OF_EACH,
      ],
    },
  },
  {
    files: ['electron/**/*.ts'],
    ignores: [
      'electron/core/**',
      '**/*.test.ts',
      'electron/xmpp/iq.ts',
      'electron/xmpp/rfc/6120-stanza-errors.ts',
      'electron/lib/account-key.ts',
      'electron/lib/error-message.ts',
      'electron/store/messages-repo.ts',
    ],
    rules: { 'no-restricted-syntax': ['error', ...ONE_OF_EACH] },
  },
);
