// Builds the renderer into dist/renderer. `base: './'` keeps asset URLs relative so the same build
// loads from vireo://app (Electron, electron/windows/app-protocol.ts) and from the browser host's HTTP server.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));
const repo = fileURLToPath(new URL('..', import.meta.url));

// Import aliases: `$shared/…` is the repository's shared/ (the IPC contract), `$lib/…` is renderer/src/lib/.
// renderer/tsconfig.json (`paths`) and the renderer project of build/vitest.config.ts say the same.
const aliases = {
  $shared: `${repo}shared`,
  $lib: `${root}src/lib`,
};

export default defineConfig({
  root,
  base: './',
  plugins: [svelte()],
  resolve: { alias: aliases },
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    // One stylesheet file: the CSP allows styles from 'self' only, never inline <style>.
    cssCodeSplit: false,
    // Inlined assets would become data: URLs in CSS; keep every asset a file.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
});
