import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chooseSecretStore, createFallbackStore, NO_SAFE_PLACE_NOTE } from './choose.js';
import { fakeSafeStorage, hangingKeytar, memoryKeytar } from './test-doubles.js';

let profileDir: string;
beforeEach(async () => {
  profileDir = await mkdtemp(join(tmpdir(), 'vireo-choose-'));
});
afterEach(async () => {
  await rm(profileDir, { recursive: true, force: true });
});

const locked = { timeoutMs: 200, loadKeytar: async () => hangingKeytar() };

describe('chooseSecretStore', () => {
  it('prefers the OS keychain when it answers', async () => {
    const k = memoryKeytar();
    const r = await chooseSecretStore({ profileDir, safeStorage: fakeSafeStorage(), keytar: { loadKeytar: async () => k } });
    expect(r).toMatchObject({ best: 'keychain', keychainAvailable: true });
    expect(r.note).toBeUndefined();
    await r.store!.set('acct', 'pw');
    expect(k.entries.get('Vireo\u0000acct')).toBe('pw');
  });

  it('falls back to encrypted safeStorage in the profile when the keychain is locked', async () => {
    const r = await chooseSecretStore({ profileDir, safeStorage: fakeSafeStorage(), keytar: locked });
    expect(r).toMatchObject({ best: 'safe-storage', keychainAvailable: false });
    await r.store!.set('acct', 'the-password');
    const raw = await readFile(join(profileDir, 'secrets.enc.json'), 'utf8');
    expect(raw).not.toContain('the-password');
  });

  it('with no keychain and no usable encryption, stores nothing and explains the choice in plain words', async () => {
    for (const safeStorage of [
      undefined,
      fakeSafeStorage({ available: false }),
      ...(process.platform === 'linux' ? [fakeSafeStorage({ backend: 'basic_text' })] : []),
    ]) {
      const r = await chooseSecretStore({ profileDir, keytar: locked, ...(safeStorage ? { safeStorage } : {}) });
      expect(r).toEqual({ store: undefined, best: 'memory', keychainAvailable: false, note: NO_SAFE_PLACE_NOTE });
    }
  });

  it('an explicit choice is used as is, without probing the keychain', async () => {
    const neverCalled = {
      loadKeytar: async () => {
        throw new Error('must not probe');
      },
    };
    const plain = await chooseSecretStore({ profileDir, forced: 'plain-file', keytar: neverCalled });
    expect(plain.store!.backend).toBe('plain-file');
    await plain.store!.set('acct', 'pw');
    expect(JSON.parse(await readFile(join(profileDir, 'secrets.plain.json'), 'utf8'))).toEqual({ acct: 'pw' });
    const mem = await chooseSecretStore({ profileDir, forced: 'memory', keytar: neverCalled });
    expect(mem.store!.backend).toBe('memory');
    const safe = await chooseSecretStore({ profileDir, forced: 'safe-storage', safeStorage: fakeSafeStorage(), keytar: neverCalled });
    expect(safe.store!.backend).toBe('safe-storage');
  });

  it('a forced keychain still reports honestly whether it works', async () => {
    const r = await chooseSecretStore({ profileDir, forced: 'keychain', keytar: locked });
    expect(r.store!.backend).toBe('keychain');
    expect(r.keychainAvailable).toBe(false);
    expect(r.note).toMatch(/did not answer/);
  });

  it('createFallbackStore gives the store the user picked, plain file in the profile', async () => {
    const s = createFallbackStore('plain-file', profileDir);
    await s.set('acct', 'pw');
    expect(await createFallbackStore('plain-file', profileDir).get('acct')).toBe('pw');
    expect(createFallbackStore('memory', profileDir).backend).toBe('memory');
  });
});
