#!/usr/bin/env node
// `npm run test:fuzz [N]`: the fuzzer alone at full size (default 10,000 hostile stanzas; FUZZ_N or the
// first argument sets it, FUZZ_SEED replays a run), ending with one line:
//   fuzz stanzas=… uncaught=… deaf=… peak_rss_mb=…
// Pass: uncaught=0 deaf=0 peak_rss_mb≤250, and afterwards the account sends and receives a message
// (e2e/fuzz/fuzz.test.ts checks all of it; the exit code is non-zero otherwise).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const n = process.argv[2] ?? process.env.FUZZ_N ?? '10000';
const dir = mkdtempSync(path.join(os.tmpdir(), 'vireo-fuzz-'));
const summary = path.join(dir, 'summary.txt');
const child = spawn('npx', ['vitest', 'run', '--config', 'build/vitest.config.ts', '--project', 'node', 'e2e/fuzz'], {
  stdio: 'inherit',
  env: { ...process.env, FUZZ_N: n, FUZZ_SUMMARY_FILE: summary },
});
child.on('close', (code) => {
  let line = 'fuzz stanzas=0 uncaught=? deaf=? peak_rss_mb=? (the fuzzer did not finish)';
  try {
    line = readFileSync(summary, 'utf8').trim();
  } catch {}
  rmSync(dir, { recursive: true, force: true });
  console.log(line);
  process.exit(code ?? 1);
});
