#!/usr/bin/env node
// `npm run test:faults [N]`: the fault matrix alone at full size (default 1000 messages each way),
// ending with one line: faults scenarios=… messages=… lost=… duplicated=…
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const n = process.argv[2] ?? process.env.FAULT_MESSAGES ?? '1000';
const dir = mkdtempSync(path.join(os.tmpdir(), 'vireo-faults-'));
const summary = path.join(dir, 'summary.txt');
const child = spawn('npx', ['vitest', 'run', '--config', 'build/vitest.config.ts', 'e2e/faults'], {
  stdio: 'inherit',
  env: { ...process.env, FAULT_MESSAGES: n, FAULT_SUMMARY_FILE: summary },
});
child.on('close', (code) => {
  let line = 'faults scenarios=0 messages=0 lost=? duplicated=? (the matrix did not finish)';
  try {
    line = readFileSync(summary, 'utf8').trim();
  } catch {}
  rmSync(dir, { recursive: true, force: true });
  console.log(line);
  process.exit(code ?? 1);
});
