// Bundles the Electron shell with esbuild (ARCHITECTURE.md "Packaging"):
//   electron/main.ts    → dist/electron/main.cjs     Node/CommonJS for Electron's main process.
//   electron/preload.ts → dist/electron/preload.cjs  ONE file: a sandboxed preload can require only
//                                                    'electron', so everything else is inlined.
// Native modules stay external: electron-builder rebuilds them for Electron's ABI and ships them
// (unpacked from the asar) with the production node_modules.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = fileURLToPath(new URL('../..', import.meta.url));
const out = path.join(root, 'dist', 'electron');
const contractFile = path.join(root, 'shared', 'contract.ts');

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // Electron 41 ships a newer Node; node20 output runs on both.
  target: 'node20',
  sourcemap: true,
  logLevel: 'info',
  outdir: out,
  outExtension: { '.js': '.cjs' },
};

/**
 * The preload needs only the contract's two name lists. shared/contract.ts stays their single
 * source: it is evaluated here at build time and the preload gets a module holding just the
 * arrays, so zod (the schemas) never enters the sandbox — ~2 KB instead of ~450 KB.
 */
async function contractNamesPlugin() {
  const bundled = await esbuild.build({
    absWorkingDir: root,
    entryPoints: [contractFile],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    write: false,
  });
  const code = bundled.outputFiles[0].text;
  const { COMMAND_NAMES, EVENT_NAMES } = await import(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`);
  if (!Array.isArray(COMMAND_NAMES) || !Array.isArray(EVENT_NAMES)) throw new Error('shared/contract.ts has no COMMAND_NAMES/EVENT_NAMES');
  const contents =
    `export const COMMAND_NAMES = ${JSON.stringify(COMMAND_NAMES)};\n` + `export const EVENT_NAMES = ${JSON.stringify(EVENT_NAMES)};\n`;
  return {
    name: 'contract-names-only',
    setup(build) {
      build.onResolve({ filter: /(^|[\\/])shared[\\/]contract(\.js|\.ts)?$/ }, () => ({ path: contractFile, namespace: 'contract-names' }));
      build.onLoad({ filter: /.*/, namespace: 'contract-names' }, () => ({ contents, loader: 'js' }));
    },
  };
}

const results = await Promise.allSettled([
  esbuild.build({
    ...common,
    entryPoints: { main: 'electron/main.ts' },
    external: [
      'electron',
      // Native addons: loaded from node_modules at run time, rebuilt for Electron by electron-builder.
      'better-sqlite3',
      'keytar',
      // ws's optional native speed-ups (ws works without them; they may not be installed).
      'bufferutil',
      'utf-8-validate',
    ],
    // ESM code that reads import.meta.url gets the bundle's own file URL instead of undefined.
    banner: { js: "const __vireo_import_meta_url = require('node:url').pathToFileURL(__filename).href;" },
    define: { 'import.meta.url': '__vireo_import_meta_url' },
  }),
  contractNamesPlugin().then((plugin) =>
    esbuild.build({
      ...common,
      entryPoints: { preload: 'electron/preload.ts' },
      // Only 'electron' can be required inside the renderer sandbox.
      external: ['electron'],
      plugins: [plugin],
    }),
  ),
]);

// esbuild has already printed its diagnostics; anything else (a plugin failure) is printed here.
const failed = results.filter((r) => r.status === 'rejected');
for (const r of failed) if (!r.reason?.errors) console.error(r.reason);
process.exit(failed.length === 0 ? 0 : 1);
