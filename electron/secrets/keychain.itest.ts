// Integration test against the REAL OS keychain (Secret Service via D-Bus). Not part of the normal
// run (the include pattern is *.test.ts): run-keychain-tests.sh runs it twice, once with an isolated
// unlocked gnome-keyring (VIREO_KEYCHAIN_TEST=1) and once with no D-Bus at all (=none), which is what
// a headless or locked-down Linux user has. Run outside that script, it fails instead of passing.
import { describe, it, expect, afterAll } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeytarStore, probeKeychain } from './keytar-store.js';
import { chooseSecretStore, NO_SAFE_PLACE_NOTE } from './choose.js';

const mode = process.env.VIREO_KEYCHAIN_TEST;

/** What another program sees in the OS keychain: `secret-tool lookup service Vireo account <key>`. */
function secretToolLookup(account: string): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    execFile('secret-tool', ['lookup', 'service', 'Vireo', 'account', account], { timeout: 10_000 }, (err, stdout) => {
      // secret-tool exits 1 with no output when nothing matches.
      if (err && (err as { code?: unknown }).code === 1 && stdout === '') return resolve(undefined);
      if (err) return reject(err);
      resolve(stdout);
    });
  });
}

// keytar looks items up with libsecret's "org.freedesktop.Secret.Generic" schema, which matches the
// xdg:schema attribute; plain `secret-tool store` does not set it, so the item must name it to be seen.
function secretToolStore(account: string, secret: string): Promise<void> {
  const attrs = ['xdg:schema', 'org.freedesktop.Secret.Generic', 'service', 'Vireo', 'account', account];
  return new Promise((resolve, reject) => {
    const child = execFile('secret-tool', ['store', '--label', 'Vireo test', ...attrs], { timeout: 10_000 }, (err) =>
      err ? reject(err) : resolve(),
    );
    child.stdin!.end(secret);
  });
}

it('is run by electron/secrets/run-keychain-tests.sh (VIREO_KEYCHAIN_TEST=1 or none)', () => {
  expect(mode, 'run this file through electron/secrets/run-keychain-tests.sh').toMatch(/^(1|none)$/);
});

describe.runIf(mode === '1')('real Secret Service (isolated, unlocked gnome-keyring)', () => {
  const key = `vireo-itest-${randomUUID()}`;
  const secret = `pw ${randomUUID()} ünïcødé`;
  const store = createKeytarStore();

  afterAll(async () => {
    await store.delete(key).catch(() => undefined);
    await store.delete(`${key}-from-secret-tool`).catch(() => undefined);
  });

  it('the keychain probe succeeds and chooseSecretStore picks the keychain', async () => {
    expect(await probeKeychain()).toEqual({ available: true });
    const profileDir = await mkdtemp(join(tmpdir(), 'vireo-kc-'));
    try {
      const r = await chooseSecretStore({ profileDir });
      expect(r).toMatchObject({ best: 'keychain', keychainAvailable: true });
      expect(r.store!.backend).toBe('keychain');
    } finally {
      await rm(profileDir, { recursive: true, force: true });
    }
  });

  it('a saved password really is in the OS keychain, survives a restart, and delete removes it', async () => {
    expect(await secretToolLookup(key)).toBeUndefined();
    await store.set(key, secret);
    expect(await secretToolLookup(key)).toBe(secret); // seen by another program, not just by us
    expect(await createKeytarStore().get(key)).toBe(secret); // a fresh store, as after a restart
    await store.delete(key);
    expect(await secretToolLookup(key)).toBeUndefined();
    expect(await store.get(key)).toBeUndefined();
  });

  it('reads a secret put there by another program (using the same schema)', async () => {
    await secretToolStore(`${key}-from-secret-tool`, secret);
    expect(await store.get(`${key}-from-secret-tool`)).toBe(secret);
  });
});

describe.runIf(mode === 'none')('no D-Bus session at all', () => {
  it('the test really has no session bus', () => {
    expect(process.env.DBUS_SESSION_BUS_ADDRESS).toBeUndefined();
  });

  it('chooseSecretStore reports no keychain quickly (no hang) and explains the choice', async () => {
    const profileDir = await mkdtemp(join(tmpdir(), 'vireo-kc-'));
    try {
      const t0 = Date.now();
      const r = await chooseSecretStore({ profileDir }); // real keytar, default 3 s timeout
      const elapsed = Date.now() - t0;
      expect(r).toEqual({ store: undefined, best: 'memory', keychainAvailable: false, note: NO_SAFE_PLACE_NOTE });
      expect(elapsed).toBeLessThan(5000);
    } finally {
      await rm(profileDir, { recursive: true, force: true });
    }
  });

  it('the probe says why in plain words', async () => {
    expect(await probeKeychain()).toEqual({ available: false, reason: 'No keychain service is running (no D-Bus session)' });
  });
});
