// Builds the renderer into dist/renderer. `base: './'` keeps asset URLs relative so the same build
// loads from vireo://app (Electron, electron/windows/app-protocol.ts) and from the browser host's HTTP server.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [svelte()],
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
