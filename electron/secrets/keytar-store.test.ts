import { describe, it, expect } from 'vitest';
import {
  createKeytarStore,
  probeKeychain,
  KeychainUnavailableError,
  describeKeychainFailure,
  keytarFromModule,
  stuckKeychainCalls,
} from './keytar-store.js';
import { gatedKeytar, hangingKeytar, memoryKeytar } from './test-doubles.js';

describe('keytar store', () => {
  it('stores, reads and deletes through keytar under the Vireo service', async () => {
    const k = memoryKeytar();
    const s = createKeytarStore({ loadKeytar: async () => k });
    expect(s.backend).toBe('keychain');
    await s.set('alice@example.org', 'pw');
    expect(k.entries.get('Vireo\u0000alice@example.org')).toBe('pw');
    expect(await s.get('alice@example.org')).toBe('pw');
    await s.delete('alice@example.org');
    expect(await s.get('alice@example.org')).toBeUndefined(); // null from keytar → undefined
    await s.delete('alice@example.org'); // deleting a missing entry is not an error
  });

  it('does not hang on a locked keychain: a call fails within the timeout', async () => {
    const s = createKeytarStore({ timeoutMs: 200, loadKeytar: async () => hangingKeytar() });
    const t0 = Date.now();
    const err = await s.get('k').catch((e: unknown) => e);
    const elapsed = Date.now() - t0;
    expect(err).toBeInstanceOf(KeychainUnavailableError);
    expect((err as Error).message).toBe('The keychain did not answer within 0.2 s (it may be locked)');
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(1000);
  });

  it('while a call is stuck, further calls fail at once without piling up; after unlock they work again', async () => {
    const k = gatedKeytar();
    const s = createKeytarStore({ timeoutMs: 200, loadKeytar: async () => k });
    const before = stuckKeychainCalls();
    await expect(s.set('k', 'v')).rejects.toThrow(/did not answer within 0\.2 s/);
    expect(stuckKeychainCalls()).toBe(before + 1);
    for (const op of [() => s.get('k'), () => s.set('k', 'v2'), () => s.delete('k')]) {
      const t0 = Date.now();
      await expect(op()).rejects.toThrow('The keychain is still not answering an earlier request (it may be locked)');
      expect(Date.now() - t0).toBeLessThan(50);
    }
    expect(k.calls).toBe(1); // only the first call ever reached keytar
    k.release(); // the user unlocks the keyring: the first write lands
    await new Promise((r) => setTimeout(r, 0));
    expect(stuckKeychainCalls()).toBe(before);
    expect(await s.get('k')).toBe('v');
  });

  it('a keytar module that never finishes loading is bounded too', async () => {
    const s = createKeytarStore({ timeoutMs: 200, loadKeytar: () => new Promise(() => {}) });
    await expect(s.get('k')).rejects.toBeInstanceOf(KeychainUnavailableError);
  });

  it("finds keytar's functions whether the import gives them on default or on the namespace", () => {
    const full = memoryKeytar();
    // What Node really gives for CommonJS keytar 7.9: a complete `default`, and only getPassword named.
    expect(keytarFromModule({ default: full, getPassword: full.getPassword })).toBe(full);
    expect(keytarFromModule(full)).toBe(full);
    expect(() => keytarFromModule({ getPassword: full.getPassword })).toThrow(/expected functions/);
  });

  it('reports a missing keytar module in plain words', async () => {
    const notFound = Object.assign(new Error("Cannot find package 'keytar'"), { code: 'ERR_MODULE_NOT_FOUND' });
    const s = createKeytarStore({ loadKeytar: async () => Promise.reject(notFound) });
    await expect(s.get('k')).rejects.toThrow('The keychain module is not installed');
    expect(await probeKeychain({ loadKeytar: async () => Promise.reject(notFound) })).toEqual({
      available: false,
      reason: 'The keychain module is not installed',
    });
  });

  it('translates the errors keytar really gives on Linux into plain words', () => {
    expect(describeKeychainFailure(new Error('Cannot autolaunch D-Bus without X11 $DISPLAY'))).toBe(
      'No keychain service is running (no D-Bus session)',
    );
    expect(describeKeychainFailure(new Error('Object does not exist at path “/org/freedesktop/secrets/collection/login”'))).toMatch(
      /no unlocked login keyring/,
    );
  });

  it('probe: a working keychain is available and the probe entry is cleaned up', async () => {
    const k = memoryKeytar();
    expect(await probeKeychain({ loadKeytar: async () => k })).toEqual({ available: true });
    expect(k.entries.size).toBe(0);
  });

  it('probe: a locked keychain is reported unavailable within the timeout, not a hang', async () => {
    const t0 = Date.now();
    const r = await probeKeychain({ timeoutMs: 200, loadKeytar: async () => hangingKeytar() });
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r).toEqual({ available: false, reason: 'The keychain did not answer within 0.2 s (it may be locked)' });
  });

  it('probe: a keychain that silently drops writes is not available', async () => {
    const k = memoryKeytar();
    k.setPassword = async () => {};
    const r = await probeKeychain({ loadKeytar: async () => k });
    expect(r.available).toBe(false);
    expect(r.reason).toMatch(/did not give back/);
  });
});
