import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';

// In a separate Node process (vitest installs its own listeners): load the OMEMO device module as the
// app does, let a promise reject with nobody listening, and see whether the process survives to
// report it through the app's own handler.
function runWith(imports: string): { status: number | null; out: string } {
  const dir = mkdtempSync(path.join(process.cwd(), '.tmp-process-handlers-'));
  try {
    const file = path.join(dir, 'probe.ts');
    writeFileSync(
      file,
      `${imports}
process.on('unhandledRejection', (r) => console.log('reported:', (r as Error).message));
void Promise.reject(new Error('a bug somewhere'));
setTimeout(() => console.log('still running'), 50);
`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', file], { encoding: 'utf8', cwd: process.cwd(), timeout: 60_000 });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('process listeners of libsignal’s curve module', () => {
  it('an unhandled rejection is reported by the app’s handler and does not take the process down', () => {
    const r = runWith(`import '../electron/omemo/legacy/device.js';`);
    expect(r.out).toContain('reported: a bug somewhere');
    expect(r.out).toContain('still running');
    expect(r.out).not.toContain('abort(');
    expect(r.status).toBe(0);
  });

  it('(why: with libsignal loaded on its own, the same process dies)', () => {
    const r = runWith(`import '@privacyresearch/libsignal-protocol-typescript';`);
    expect(r.out).toContain('abort(');
    expect(r.out).not.toContain('still running');
    expect(r.status).not.toBe(0);
  });
});
