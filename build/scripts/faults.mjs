#!/usr/bin/env node
// `npm run test:faults [N]`: the fault matrix alone at full size (default 1000 messages each way),
// ending with one line: faults scenarios=… messages=… lost=… duplicated=…
import { runWithSummary } from './run-with-summary.mjs';

runWithSummary({
  name: 'faults',
  folder: 'e2e/faults',
  env: { FAULT_MESSAGES: process.argv[2] ?? process.env.FAULT_MESSAGES ?? '1000' },
  summaryVar: 'FAULT_SUMMARY_FILE',
  fallback: 'faults scenarios=0 messages=0 lost=? duplicated=? (the matrix did not finish)',
});
