#!/usr/bin/env node
// `npm test`: every suite in order — types, lint, unit + integration (real Prosody, real SQLite), the core
// paths against a real ejabberd, the keychain against a real Secret Service and without D-Bus, then end
// to end in Chromium, then the accessibility tour.
// Each step runs even if an earlier one failed, so one run shows everything; the last line is
// "tests: N passed, N failed" over all suites, and the exit code is non-zero if anything failed.
import { spawn } from 'node:child_process';

const steps = [
  { name: 'types', cmd: 'npm', args: ['run', '--silent', 'typecheck'] },
  { name: 'lint', cmd: 'npm', args: ['run', '--silent', 'lint'] },
  { name: 'unit+integration', cmd: 'npx', args: ['vitest', 'run', '--config', 'build/vitest.config.ts'] },
  // The core paths again against ejabberd, the second server (about 2–3 minutes on 2 cores).
  { name: 'ejabberd', cmd: 'npm', args: ['run', '--silent', 'test:ejabberd'] },
  // The bundled Electron main process under plain Node with a recording stand-in for `electron` (builds dist/ first).
  { name: 'electron-smoke', cmd: 'npm', args: ['run', '--silent', 'test:electron-smoke'] },
  { name: 'keychain', cmd: 'bash', args: ['electron/secrets/run-keychain-tests.sh'] },
  { name: 'end-to-end', cmd: 'npm', args: ['run', '--silent', 'test:e2e'] },
  // The accessibility tour (e2e/a11y.tour.ts): axe-core on every screen, light and dark, and the keyboard.
  { name: 'a11y', cmd: 'npm', args: ['run', '--silent', 'test:a11y'] },
];

const only = process.argv.slice(2);
const ANSI = /\x1b\[[0-9;]*m/g;

function run(step) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(step.cmd, step.args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let out = '';
    const tee = (stream, sink) =>
      stream.on('data', (d) => {
        out += d;
        sink.write(d);
      });
    tee(child.stdout, process.stdout);
    tee(child.stderr, process.stderr);
    child.on('close', (code) => resolve({ code: code ?? 1, out: out.replace(ANSI, ''), seconds: (Date.now() - started) / 1000 }));
  });
}

/** Test counts from vitest ("Tests  3 failed | 40 passed (43)") and Playwright ("  2 passed (9.1s)"). */
function counts(text) {
  let passed = 0;
  let failed = 0;
  for (const line of text.split('\n')) {
    const v = line.match(/^\s*Tests\s+(.*)\(\d+\)\s*$/);
    if (v) {
      passed += Number(v[1].match(/(\d+) passed/)?.[1] ?? 0);
      failed += Number(v[1].match(/(\d+) failed/)?.[1] ?? 0);
      continue;
    }
    const p = line.match(/^\s+(\d+) (passed|failed|flaky)( \(.*\))?\s*$/);
    if (p) p[2] === 'passed' ? (passed += Number(p[1])) : (failed += Number(p[1]));
  }
  return { passed, failed };
}

/** The names of failed tests, as vitest ("FAIL  |node| file > test") and Playwright ("✘  3 file:line › test") print them. */
function failedNames(text) {
  const names = new Set();
  for (const line of text.split('\n')) {
    const v = line.match(/^\s*FAIL\s+(?:\|\w+\|\s+)?(.+\S)\s*$/);
    if (v && !/^\s*FAIL\s+\S+\s+\d+ passed/.test(line)) names.add(v[1]);
    const p = line.match(/^\s+✘\s+\d+\s+(.+?)(?:\s+\(\d[\d.]*m?s\))?\s*$/);
    if (p) names.add(p[1]);
  }
  return [...names];
}

const results = [];
for (const step of steps) {
  if (only.length && !only.includes(step.name)) continue;
  console.log(`\n=== ${step.name} ===`);
  const r = await run(step);
  const c = counts(r.out);
  // A step with no test counts (types, lint) counts as one check.
  if (c.passed + c.failed === 0) r.code === 0 ? c.passed++ : c.failed++;
  else if (r.code !== 0 && c.failed === 0) c.failed++; // crashed outside a test: still a failure
  results.push({ name: step.name, ok: r.code === 0, ...c, seconds: r.seconds, failedNames: failedNames(r.out) });
}

console.log('\n=== summary ===');
for (const r of results)
  console.log(
    `${r.ok ? 'ok  ' : 'FAIL'} ${r.name.padEnd(18)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed  ${r.seconds.toFixed(1)} s`,
  );
// CI keeps only the end of the output: name what failed here, so the cause is visible there.
for (const r of results) for (const n of r.failedNames.slice(0, 20)) console.log(`failed in ${r.name}: ${n}`);
const passed = results.reduce((n, r) => n + r.passed, 0);
const failed = results.reduce((n, r) => n + r.failed, 0);
console.log(`tests: ${passed} passed, ${failed} failed`);
process.exit(results.every((r) => r.ok) ? 0 : 1);
