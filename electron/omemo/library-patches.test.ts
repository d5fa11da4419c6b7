import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SessionRecord } from '@privacyresearch/libsignal-protocol-typescript/lib/session-record.js';

// Vireo's patches of libsignal and its curve module (patches/README.md) are made for one version of
// each package and applied by patch-package when npm installs. A new version of either must be
// patched again, on purpose: these tests fail until then, and when the patch is not applied.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const patchDir = path.join(root, 'patches');
const patches = readdirSync(patchDir)
  .filter((f) => f.endsWith('.patch'))
  .sort();

/** `@scope+name+1.2.3.patch` (patch-package's naming) → the package and the version it was made for. */
function patchTarget(file: string): { name: string; version: string } {
  const parts = file.slice(0, -'.patch'.length).split('+');
  return { name: parts.slice(0, -1).join('/'), version: parts.at(-1)! };
}

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

describe('the patches of libsignal (patches/)', () => {
  it('are the two Vireo needs: libsignal 0.0.16 and its curve module 0.0.12', () => {
    expect(patches.map(patchTarget)).toEqual([
      { name: '@privacyresearch/curve25519-typescript', version: '0.0.12' },
      { name: '@privacyresearch/libsignal-protocol-typescript', version: '0.0.16' },
    ]);
  });

  it.each(patches)('%s is for the installed version of its package and the locked one', (file) => {
    const { name, version } = patchTarget(file);
    const installed = json(path.join(root, 'node_modules', name, 'package.json')).version;
    expect(
      installed,
      `${name} ${String(installed)} is installed, the patch is for ${version}: make the patch again for it (patches/README.md)`,
    ).toBe(version);
    const locked = (json(path.join(root, 'package-lock.json')).packages as Record<string, { version?: string }>)[`node_modules/${name}`]
      ?.version;
    expect(locked, `package-lock.json has ${name} ${String(locked)}, the patch is for ${version}`).toBe(version);
  });

  it.each(patches)('%s is applied to the installed package', (file) => {
    // It is applied exactly when it can be taken back.
    const r = spawnSync('git', ['apply', '--check', '--reverse', path.join(patchDir, file)], { cwd: root, encoding: 'utf8' });
    expect(r.error, 'git is needed to check the patch').toBeUndefined();
    expect(r.stderr, `${file} is not applied: run \`npm install\` (its postinstall runs patch-package)`).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('libsignal’s SessionRecord as patched', () => {
  const key = (i: number) => new Uint8Array(33).fill(i).buffer;
  const b64 = (i: number) => Buffer.from(key(i)).toString('base64');

  it('removes old receiving chains: the current one and the ten newest old ones stay', () => {
    // 15 old ratchets (added in a shuffled order), a current one, and a sending chain.
    const order = [7, 2, 12, 0, 14, 5, 9, 1, 11, 3, 13, 6, 10, 4, 8];
    const chains: Record<string, { chainType: number }> = { [b64(99)]: { chainType: 1 }, [b64(50)]: { chainType: 2 } };
    for (const i of order) chains[b64(i)] = { chainType: 2 };
    const session = {
      currentRatchet: { lastRemoteEphemeralKey: key(50) },
      oldRatchetList: order.map((i) => ({ added: 1000 + i, ephemeralKey: key(i) })),
      chains,
    };
    new SessionRecord().removeOldChains(session as unknown as Parameters<SessionRecord['removeOldChains']>[0]);
    expect(session.oldRatchetList.map((r) => r.added - 1000)).toEqual([5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    expect(Object.keys(chains).sort()).toEqual([99, 50, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map(b64).sort());
  });

  it('hands back the record it just serialized, once; a changed record is not kept under its old text', () => {
    const r = new SessionRecord(1);
    const text = r.serialize();
    expect(SessionRecord.deserialize(text)).toBe(r);
    const again = SessionRecord.deserialize(text);
    expect(again).not.toBe(r);
    expect(again.serialize()).toBe(text);
    expect(SessionRecord.peek(text)).toBe(again);
    expect(SessionRecord.deserialize(text)).toBe(again);
    expect(SessionRecord.cacheStats().stale).toBe(0);
    SessionRecord.clearCache();
    expect(SessionRecord.cacheStats().size).toBe(0);
  });
});

// In a separate Node process (vitest installs its own listeners): load a module, let a promise reject
// with nobody listening, and see whether the process survives to report it through its own handler.
function runWith(code: string, kind: 'ts' | 'cjs' = 'ts'): { status: number | null; out: string } {
  const dir = mkdtempSync(path.join(root, '.tmp-library-patches-'));
  try {
    const file = path.join(dir, kind === 'ts' ? 'probe.ts' : 'probe.cjs');
    writeFileSync(
      file,
      `${code}
process.on('unhandledRejection', (r) => console.log('reported:', r.message));
void Promise.reject(new Error('a bug somewhere'));
setTimeout(() => console.log('still running'), 50);
`,
    );
    const args = kind === 'ts' ? ['--import', 'tsx', file] : [file];
    const r = spawnSync(process.execPath, args, { encoding: 'utf8', cwd: root, timeout: 60_000 });
    return { status: r.status, out: `${r.stdout}${r.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const survived = (r: { status: number | null; out: string }) => {
  expect(r.out).toContain('reported: a bug somewhere');
  expect(r.out).toContain('still running');
  expect(r.out).not.toContain('abort(');
  expect(r.status).toBe(0);
};

describe('process listeners of libsignal’s curve module', () => {
  it('an unhandled rejection is reported by the app’s handler and does not take the process down', () => {
    survived(runWith(`import '../electron/omemo/legacy/device.js';`));
  });

  it('libsignal loaded on its own leaves the decision to the app too (the patch, not Vireo’s code, does it)', () => {
    survived(runWith(`import '@privacyresearch/libsignal-protocol-typescript';`));
  });

  it('(why: the curve module as published makes the same process die)', () => {
    const patch = path.join(
      patchDir,
      patches.find((f) => f.includes('curve25519'))!,
    );
    const rel = 'node_modules/@privacyresearch/curve25519-typescript/lib/built/curveasm.js';
    // The published file: the installed one with the patch taken back, outside the repository.
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'vireo-curve-'));
    try {
      mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      copyFileSync(path.join(root, rel), path.join(tmp, rel));
      const undo = spawnSync('git', ['apply', '--reverse', patch], { cwd: tmp, encoding: 'utf8' });
      expect(undo.stderr).toBe('');
      // Instantiated as curve-wrapper.js does on import; the listeners come with the instance.
      const r = runWith(`require(${JSON.stringify(path.join(tmp, rel))})();`, 'cjs');
      expect(r.out).toContain('abort(');
      expect(r.out).not.toContain('still running');
      expect(r.status).not.toBe(0);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
