// Runs one full-size suite under vitest and ends with the one line it wrote to a summary file (the
// fault matrix's and the fuzzer's figures), or `fallback` when it did not get that far. The exit code
// is vitest's.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** `env` is added to the environment; `summaryVar` names the variable that tells the suite where to write. */
export function runWithSummary({ name, folder, env, summaryVar, fallback }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `vireo-${name}-`));
  const summary = path.join(dir, 'summary.txt');
  const child = spawn('npx', ['vitest', 'run', '--config', 'build/vitest.config.ts', '--project', 'node', folder], {
    stdio: 'inherit',
    env: { ...process.env, ...env, [summaryVar]: summary },
  });
  child.on('close', (code) => {
    let line = fallback;
    try {
      line = readFileSync(summary, 'utf8').trim();
    } catch {}
    rmSync(dir, { recursive: true, force: true });
    console.log(line);
    process.exit(code ?? 1);
  });
}
