#!/usr/bin/env node
// `npm run test:interop [vitest args…]`: only the interoperability tests (e2e/interop: Vireo against the
// independent OMEMO peer in e2e/peers/omemo-python and a real Prosody), ending with one line:
//   interop passed=N failed=M
// The exit code is non-zero if any test failed or the run itself failed.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const dir = mkdtempSync(path.join(os.tmpdir(), 'vireo-interop-'));
const report = path.join(dir, 'report.json');
const child = spawn(
  'npx',
  [
    'vitest',
    'run',
    '--config',
    'build/vitest.config.ts',
    '--project',
    'node',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
    'e2e/interop',
    ...process.argv.slice(2),
  ],
  {
    stdio: 'inherit',
    env: process.env,
  },
);
child.on('close', (code) => {
  let passed = 0;
  let failed = 0;
  let note = '';
  try {
    const r = JSON.parse(readFileSync(report, 'utf8'));
    passed = r.numPassedTests ?? 0;
    failed = r.numFailedTests ?? 0;
    // A file that fails to load (import error, failing beforeAll) has no failed test of its own.
    const brokenFiles = (r.testResults ?? []).filter(
      (f) => f.status === 'failed' && (f.assertionResults ?? []).every((a) => a.status !== 'failed'),
    ).length;
    failed += brokenFiles;
  } catch {
    note = ' (vitest wrote no report: the run itself failed)';
  }
  rmSync(dir, { recursive: true, force: true });
  const ok = code === 0 && failed === 0 && passed > 0;
  if (!ok && failed === 0) failed = 1; // no tests found, or a crash outside any test: still a failure
  if (note) console.error(note.trim());
  console.log(`interop passed=${passed} failed=${failed}`);
  process.exit(ok ? 0 : code || 1);
});
