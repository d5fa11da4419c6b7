#!/usr/bin/env node
// `npm run test:fuzz [N]`: the fuzzer alone at full size (default 10,000 hostile stanzas; FUZZ_N or the
// first argument sets it, FUZZ_SEED replays a run), ending with one line:
//   fuzz stanzas=… uncaught=… deaf=… peak_rss_mb=…
// Pass: uncaught=0 deaf=0 peak_rss_mb≤250, and afterwards the account sends and receives a message
// (e2e/fuzz/fuzz.test.ts checks all of it; the exit code is non-zero otherwise).
import { runWithSummary } from './run-with-summary.mjs';

runWithSummary({
  name: 'fuzz',
  folder: 'e2e/fuzz',
  env: { FUZZ_N: process.argv[2] ?? process.env.FUZZ_N ?? '10000' },
  summaryVar: 'FUZZ_SUMMARY_FILE',
  fallback: 'fuzz stanzas=0 uncaught=? deaf=? peak_rss_mb=? (the fuzzer did not finish)',
});
