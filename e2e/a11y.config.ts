// The accessibility tour (npm run test:a11y) on its own: the same Chromium and options as the end-to-end
// specs, but only e2e/a11y.tour.ts, which the end-to-end config (*.spec.ts) does not pick up, so `npm test`
// runs it exactly once, in its own step.
import { defineConfig } from '@playwright/test';
import base from './playwright.config.js';

export default defineConfig({
  ...base,
  testMatch: 'a11y.tour.ts',
  outputDir: '../test-results/a11y',
  timeout: 15 * 60_000,
});
