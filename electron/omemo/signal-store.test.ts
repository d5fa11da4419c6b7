import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { KeyHelper } from '@privacyresearch/libsignal-protocol-typescript';
import { migrateOmemo } from './migrations/index.js';
import { createOmemoStore, splitAddress } from './signal-store.js';
import { ensureOwnKeys, replenishPreKeys, rotateSignedPreKey } from './keys.js';
import { createNodeCurve } from './node-curve.js';
import { Curve25519Wrapper } from '@privacyresearch/curve25519-typescript';

const key = randomBytes(32);
function open(db = new Database(':memory:'), accountId = 'acc1', encryptionKey: Uint8Array = key) {
  migrateOmemo(db);
  return { db, store: createOmemoStore(db, { encryptionKey, accountId }) };
}

/** Every blob and text value in the omemo_* tables, concatenated: what is on disk. */
function rawBytes(db: Database.Database): Buffer {
  const tables = (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'omemo_%'`).all() as { name: string }[]
  ).map((t) => t.name);
  const parts: Buffer[] = [];
  for (const t of tables)
    for (const row of db.prepare(`SELECT * FROM ${t}`).all() as Record<string, unknown>[])
      for (const v of Object.values(row)) parts.push(Buffer.isBuffer(v) ? v : Buffer.from(String(v)));
  return Buffer.concat(parts);
}

describe('OMEMO signal store on SQLite', () => {
  it('generates identity, signed prekey and 100 prekeys, and reads them back after reopening', async () => {
    const { db, store } = open();
    expect(await ensureOwnKeys(store)).toEqual({ newIdentity: true, newSignedPreKey: true, newPreKeys: 100 });
    expect(await ensureOwnKeys(store)).toEqual({ newIdentity: false, newSignedPreKey: false, newPreKeys: 0 });
    const id = (await store.getIdentityKeyPair())!;
    const reg = await store.getLocalRegistrationId();
    const again = createOmemoStore(db, { encryptionKey: key, accountId: 'acc1' });
    const id2 = (await again.getIdentityKeyPair())!;
    expect(Buffer.from(id2.privKey)).toEqual(Buffer.from(id.privKey));
    expect(Buffer.from(id2.pubKey)).toEqual(Buffer.from(id.pubKey));
    expect(await again.getLocalRegistrationId()).toBe(reg);
    const pk = (await again.loadPreKey(1))!;
    expect(pk.privKey.byteLength).toBe(32);
    expect(Buffer.from(pk.pubKey)).toEqual(Buffer.from(again.listUnusedPreKeys()[0]!.publicKey));
    expect((await again.loadSignedPreKey(1))!.privKey.byteLength).toBe(32);
    // Another account in the same database sees nothing.
    expect(await createOmemoStore(db, { encryptionKey: key, accountId: 'acc2' }).getIdentityKeyPair()).toBeUndefined();
    // Another key cannot read it.
    await expect(createOmemoStore(db, { encryptionKey: randomBytes(32), accountId: 'acc1' }).getIdentityKeyPair()).rejects.toThrow(
      /cannot be decrypted/,
    );
  });

  it('keeps no private key or session in clear on disk', async () => {
    const { db, store } = open();
    await ensureOwnKeys(store, { preKeyCount: 10 });
    const secrets = [
      Buffer.from((await store.getIdentityKeyPair())!.privKey),
      Buffer.from((await store.loadPreKey(3))!.privKey),
      Buffer.from((await store.loadSignedPreKey(1))!.privKey),
    ];
    const record = '{"sessions":{},"version":"v1","marker":"RATCHET-SECRET-MARKER"}';
    await store.storeSession('bob@example.test.7', record);
    const disk = rawBytes(db);
    for (const s of secrets) {
      expect(disk.includes(s)).toBe(false);
      expect(disk.includes(Buffer.from(s.toString('base64')))).toBe(false);
    }
    expect(disk.includes(Buffer.from('RATCHET-SECRET-MARKER'))).toBe(false);
    expect(await createOmemoStore(db, { encryptionKey: key, accountId: 'acc1' }).loadSession('bob@example.test.7')).toBe(record);
    // A sealed row copied over another one does not open (bound to its key).
    db.prepare(`UPDATE omemo_prekeys SET private_key = (SELECT private_key FROM omemo_prekeys WHERE key_id = 1) WHERE key_id = 2`).run();
    await expect(createOmemoStore(db, { encryptionKey: key, accountId: 'acc1' }).loadPreKey(2)).rejects.toThrow(/cannot be decrypted/);
  });

  it('keeps a used prekey until releaseUsedPrekeys, and replenishes with new ids', async () => {
    const { store } = open();
    await ensureOwnKeys(store, { preKeyCount: 5 });
    await store.removePreKey(2);
    expect(store.listUnusedPreKeys().map((k) => k.id)).toEqual([1, 3, 4, 5]);
    expect(await store.loadPreKey(2)).toBeDefined();
    expect(await replenishPreKeys(store, 5)).toBe(1);
    expect(store.listUnusedPreKeys().map((k) => k.id)).toEqual([1, 3, 4, 5, 6]);
    expect(store.releaseUsedPrekeys()).toBe(1);
    expect(await store.loadPreKey(2)).toBeUndefined();
    expect(store.releaseUsedPrekeys()).toBe(0);
  });

  it('rotates the signed prekey when it is old, keeping the previous one', async () => {
    const { store } = open();
    const t0 = 1_000_000;
    await ensureOwnKeys(store, { preKeyCount: 1, now: t0 });
    expect(await rotateSignedPreKey(store, { now: t0 + 1000 })).toBe(false);
    const week = 7 * 24 * 3600_000;
    expect(await rotateSignedPreKey(store, { now: t0 + week })).toBe(true);
    expect(await rotateSignedPreKey(store, { now: t0 + 2 * week })).toBe(true);
    expect(store.listSignedPreKeys().map((k) => [k.id, k.createdAt])).toEqual([
      [3, t0 + 2 * week],
      [2, t0 + week],
    ]);
    expect(await store.loadSignedPreKey(1)).toBeUndefined();
    expect(await store.loadSignedPreKey(2)).toBeDefined();
  });

  it('records remote identities per device, trust decisions, and a changed key', async () => {
    const { store } = open();
    const k1 = new Uint8Array([5, ...randomBytes(32)]);
    const k2 = new Uint8Array([5, ...randomBytes(32)]);
    expect(await store.saveIdentity('bob@ex.am.ple.7', k1.buffer)).toBe(false);
    expect(store.getIdentity('bob@ex.am.ple', 7)).toMatchObject({ jid: 'bob@ex.am.ple', deviceId: 7, trust: 'undecided' });
    store.setTrust('bob@ex.am.ple', 7, 'verified');
    expect(await store.saveIdentity('bob@ex.am.ple.7', k1.buffer)).toBe(false);
    expect(store.getIdentity('bob@ex.am.ple', 7)!.trust).toBe('verified');
    expect(await store.saveIdentity('bob@ex.am.ple.7', k2.buffer)).toBe(true);
    expect(store.getIdentity('bob@ex.am.ple', 7)).toMatchObject({ identityKey: k2, trust: 'undecided' });
    store.setTrust('bob@ex.am.ple', 7, 'distrusted');
    expect(await store.isTrustedIdentity('bob@ex.am.ple', k2.buffer, 1)).toBe(false);
    expect(await store.isTrustedIdentity('bob@ex.am.ple', k1.buffer, 1)).toBe(true);
    expect(() => store.setTrust('nobody@x', 1, 'trusted')).toThrow(/No identity key/);
    expect(splitAddress('a.b@c.d.12')).toEqual({ jid: 'a.b@c.d', deviceId: 12 });
  });

  it('batches writes into one transaction, written when the batch settles', async () => {
    const { db, store } = open();
    const count = () => (db.prepare('SELECT count(*) AS n FROM omemo_sessions').get() as { n: number }).n;
    await store.batch(async () => {
      await store.storeSession('a@x.1', '{"sessions":{},"version":"v1"}');
      await store.storeSession('a@x.2', '{"sessions":{},"version":"v1"}');
      await store.storeSession('a@x.1', '{"sessions":{},"version":"v1","n":2}');
      expect(count()).toBe(0);
      expect(await store.loadSession('a@x.1')).toContain('"n":2');
    });
    expect(count()).toBe(2);
    expect(await createOmemoStore(db, { encryptionKey: key, accountId: 'acc1' }).loadSession('a@x.1')).toContain('"n":2');
  });

  it('hands captured writes to the caller: applied in its transaction, or discarded and reloaded from disk', async () => {
    const { db, store } = open();
    const count = () => (db.prepare('SELECT count(*) AS n FROM omemo_sessions').get() as { n: number }).n;
    const kept = await store.capture(async () => {
      await store.storeSession('a@x.1', '{"v":1}');
      return 'value';
    });
    expect(kept.value).toBe('value');
    expect(count()).toBe(0);
    db.transaction(() => kept.apply())();
    expect(count()).toBe(1);

    const dropped = await store.capture(() => store.storeSession('a@x.1', '{"v":2}'));
    expect(await store.loadSession('a@x.1')).toBe('{"v":2}'); // in memory until settled
    dropped.discard();
    dropped.apply(); // a settled capture does nothing more
    expect(await store.loadSession('a@x.1')).toBe('{"v":1}');
  });

  it('refuses a storage key that is not 32 bytes', () => {
    expect(() => open(undefined, 'a', randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('node:crypto curve for libsignal', () => {
  it('gives the same key pairs and shared secrets as the library curve', async () => {
    const lib = await Curve25519Wrapper.create();
    const fast = createNodeCurve({ sign: async () => new ArrayBuffer(64), verify: async () => false });
    for (let i = 0; i < 5; i++) {
      const a = randomBytes(32).buffer as ArrayBuffer;
      const b = randomBytes(32).buffer as ArrayBuffer;
      const [la, fa] = [lib.keyPair(a), await fast.keyPair(a)];
      expect(Buffer.from(fa.pubKey)).toEqual(Buffer.from(la.pubKey));
      expect(Buffer.from(fa.privKey)).toEqual(Buffer.from(la.privKey));
      const lb = lib.keyPair(b);
      expect(Buffer.from(await fast.sharedSecret(lb.pubKey, fa.privKey))).toEqual(Buffer.from(lib.sharedSecret(lb.pubKey, la.privKey)));
    }
    expect(KeyHelper.generateRegistrationId()).toBeGreaterThan(0);
  });
});
