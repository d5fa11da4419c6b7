// libsignal's StorageType on SQLite (tables omemo_*, migrations/0100-omemo-init.ts), one account per
// store. Private keys and session records are sealed with AES-256-GCM (at-rest.ts); public keys and
// trust decisions are stored in clear.
//
// Speed: libsignal asks the store for the identity key pair, the registration id, the session and the
// remote identity on every message. Those are decrypted once and kept in memory; writes go through to
// the database, and inside batch() they are collected and written in one transaction at the end (one
// per encrypt-for-N-devices or per received message). Nothing is acknowledged before batch() returns.
import type Database from 'better-sqlite3';
import { Direction, type KeyPairType, type SessionRecordType, type StorageType } from '@privacyresearch/libsignal-protocol-typescript';
import { createSealer } from './at-rest.js';

export type Trust = 'undecided' | 'trusted' | 'verified' | 'distrusted';

export interface RemoteIdentity {
  jid: string;
  deviceId: number;
  /** 33 bytes with the 0x05 prefix. */
  identityKey: Uint8Array;
  trust: Trust;
  firstSeen: number;
}

export interface PublicPreKey {
  id: number;
  publicKey: Uint8Array;
}

export interface PublicSignedPreKey extends PublicPreKey {
  signature: Uint8Array;
  createdAt: number;
}

export interface OmemoStore extends StorageType {
  readonly accountId: string;
  hasIdentity(): boolean;
  saveIdentityKeyPair(keyPair: KeyPairType, registrationId: number): void;
  storeSignedPreKeyWithSignature(id: number, keyPair: KeyPairType, signature: ArrayBuffer, createdAt: number): void;
  /** Newest first. */
  listSignedPreKeys(): PublicSignedPreKey[];
  /** Prekeys not yet used by an incoming prekey message: what the bundle offers. */
  listUnusedPreKeys(): PublicPreKey[];
  /** The highest prekey id ever stored (ids are not reused while a used key is kept). */
  maxPreKeyId(): number;
  storePreKeys(keys: { keyId: number; keyPair: KeyPairType }[]): void;
  /** Deletes prekeys used by incoming messages; call after archive catch-up (ARCHITECTURE.md). Returns how many. */
  releaseUsedPrekeys(): number;
  getIdentity(jid: string, deviceId: number): RemoteIdentity | undefined;
  listIdentities(jid: string): RemoteIdentity[];
  setTrust(jid: string, deviceId: number, trust: Trust): void;
  hasSession(jid: string, deviceId: number): boolean;
  /** Runs fn with database writes collected and committed in one transaction when it settles. */
  batch<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * Runs fn with its database writes held back and hands them over: `apply()` writes them (inside the
   * caller's transaction, so a decrypted message and the ratchet step that decrypted it are stored
   * together), `discard()` forgets them and reloads the caches from the database. Callers serialise
   * captures per account (the service's lock): writes of two overlapping captures would mix.
   */
  capture<T>(fn: () => Promise<T>): Promise<{ value: T; apply(): void; discard(): void }>;
}

export interface OmemoStoreOptions {
  /** 32 bytes from the SecretStore. */
  encryptionKey: Uint8Array;
  /** Which account's device this store holds (one database, many accounts). */
  accountId?: string;
  now?: () => number;
}

const ab = (u: Uint8Array): ArrayBuffer => u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;
const u8 = (b: ArrayBuffer | Uint8Array): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b));
/** A plain Uint8Array copy of a row's Buffer (callers compare and serialise them; Buffers differ there). */
const plain = (b: Buffer): Uint8Array => new Uint8Array(b);
const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  Buffer.compare(Buffer.from(a.buffer, a.byteOffset, a.byteLength), Buffer.from(b.buffer, b.byteOffset, b.byteLength)) === 0;

/** libsignal addresses are `name.deviceId`; JIDs contain dots, so split at the last one. */
export function splitAddress(encoded: string): { jid: string; deviceId: number } {
  const i = encoded.lastIndexOf('.');
  const deviceId = Number(encoded.slice(i + 1));
  if (i <= 0 || !Number.isInteger(deviceId)) throw new Error(`not a Signal address: ${encoded}`);
  return { jid: encoded.slice(0, i), deviceId };
}

const toId = (v: number | string): number => {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`not a key id: ${v}`);
  return n;
};

export function createOmemoStore(db: Database.Database, opts: OmemoStoreOptions): OmemoStore {
  const sealer = createSealer(opts.encryptionKey);
  const acc = opts.accountId ?? '';
  const now = opts.now ?? Date.now;
  const aad = (table: string, ...key: (string | number)[]) => [table, acc, ...key].join('\u0000');

  const q = {
    identity: db.prepare('SELECT registration_id, public_key, private_key FROM omemo_identity WHERE account_id = ?'),
    saveIdentity: db.prepare(
      `INSERT INTO omemo_identity (account_id, registration_id, public_key, private_key, created_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account_id) DO UPDATE SET registration_id = excluded.registration_id, public_key = excluded.public_key, private_key = excluded.private_key`,
    ),
    preKey: db.prepare('SELECT public_key, private_key FROM omemo_prekeys WHERE account_id = ? AND key_id = ?'),
    insertPreKey: db.prepare(
      'INSERT OR REPLACE INTO omemo_prekeys (account_id, key_id, public_key, private_key, used_at) VALUES (?, ?, ?, ?, NULL)',
    ),
    usePreKey: db.prepare('UPDATE omemo_prekeys SET used_at = ? WHERE account_id = ? AND key_id = ? AND used_at IS NULL'),
    unusedPreKeys: db.prepare('SELECT key_id, public_key FROM omemo_prekeys WHERE account_id = ? AND used_at IS NULL ORDER BY key_id'),
    maxPreKey: db.prepare('SELECT max(key_id) AS m FROM omemo_prekeys WHERE account_id = ?'),
    releasePreKeys: db.prepare('DELETE FROM omemo_prekeys WHERE account_id = ? AND used_at IS NOT NULL'),
    signed: db.prepare('SELECT public_key, private_key FROM omemo_signed_prekeys WHERE account_id = ? AND key_id = ?'),
    insertSigned: db.prepare(
      'INSERT OR REPLACE INTO omemo_signed_prekeys (account_id, key_id, public_key, private_key, signature, created_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    listSigned: db.prepare(
      'SELECT key_id, public_key, signature, created_at FROM omemo_signed_prekeys WHERE account_id = ? ORDER BY created_at DESC, key_id DESC',
    ),
    removeSigned: db.prepare('DELETE FROM omemo_signed_prekeys WHERE account_id = ? AND key_id = ?'),
    session: db.prepare('SELECT record FROM omemo_sessions WHERE account_id = ? AND jid = ? AND device_id = ?'),
    saveSession: db.prepare(
      `INSERT INTO omemo_sessions (account_id, jid, device_id, record, updated_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (account_id, jid, device_id) DO UPDATE SET record = excluded.record, updated_at = excluded.updated_at`,
    ),
    remote: db.prepare(
      'SELECT jid, device_id, identity_key, trust, first_seen FROM omemo_identities WHERE account_id = ? AND jid = ? AND device_id = ?',
    ),
    remotes: db.prepare(
      'SELECT jid, device_id, identity_key, trust, first_seen FROM omemo_identities WHERE account_id = ? AND jid = ? ORDER BY device_id',
    ),
    distrusted: db.prepare(`SELECT identity_key FROM omemo_identities WHERE account_id = ? AND jid = ? AND trust = 'distrusted'`),
    saveRemote: db.prepare(
      `INSERT INTO omemo_identities (account_id, jid, device_id, identity_key, trust, first_seen) VALUES (?, ?, ?, ?, 'undecided', ?)
       ON CONFLICT (account_id, jid, device_id) DO UPDATE SET identity_key = excluded.identity_key, trust = 'undecided', first_seen = excluded.first_seen`,
    ),
    setTrust: db.prepare('UPDATE omemo_identities SET trust = ? WHERE account_id = ? AND jid = ? AND device_id = ?'),
  };

  type IdentityRow = { registration_id: number; public_key: Buffer; private_key: Buffer };
  type RemoteRow = { jid: string; device_id: number; identity_key: Buffer; trust: Trust; first_seen: number };
  const remoteOf = (r: RemoteRow): RemoteIdentity => ({
    jid: r.jid,
    deviceId: r.device_id,
    identityKey: plain(r.identity_key),
    trust: r.trust,
    firstSeen: r.first_seen,
  });

  // ---- caches (decrypted once; the database stays the source of truth) ----
  let identity: { keyPair: KeyPairType; registrationId: number } | undefined;
  const sessions = new Map<string, SessionRecordType | null>();
  const remoteKeys = new Map<string, Uint8Array | null>();
  const distrusted = new Map<string, Uint8Array[]>(); // per JID; dropped on setTrust

  // ---- write batching ----
  let depth = 0;
  const pending = new Map<string, () => void>();
  const write = (key: string, fn: () => void) => {
    if (depth > 0) pending.set(key, fn);
    else fn();
  };
  const flush = db.transaction(() => {
    for (const fn of pending.values()) fn();
    pending.clear();
  });

  function loadIdentity() {
    if (identity) return identity;
    const row = q.identity.get(acc) as IdentityRow | undefined;
    if (!row) return undefined;
    const privKey = sealer.open(row.private_key, aad('identity'));
    identity = { keyPair: { pubKey: ab(row.public_key), privKey: ab(privKey) }, registrationId: row.registration_id };
    return identity;
  }

  function remoteKey(jid: string, deviceId: number): Uint8Array | undefined {
    const k = `${jid}.${deviceId}`;
    if (!remoteKeys.has(k)) {
      const row = q.remote.get(acc, jid, deviceId) as RemoteRow | undefined;
      remoteKeys.set(k, row ? u8(row.identity_key) : null);
    }
    return remoteKeys.get(k) ?? undefined;
  }

  return {
    accountId: acc,

    // ---- StorageType ----
    async getIdentityKeyPair() {
      return loadIdentity()?.keyPair;
    },
    async getLocalRegistrationId() {
      return loadIdentity()?.registrationId;
    },
    async isTrustedIdentity(identifier, identityKey, _direction: Direction) {
      // libsignal passes only the JID here, not the device, so per-device trust is decided above this
      // layer (the caller picks the recipients, and decrypt reports the sender's trust). Here we refuse
      // only a key the user explicitly distrusted.
      let keys = distrusted.get(identifier);
      if (!keys) {
        keys = (q.distrusted.all(acc, identifier) as { identity_key: Buffer }[]).map((r) => plain(r.identity_key));
        distrusted.set(identifier, keys);
      }
      const key = u8(identityKey);
      return !keys.some((k) => sameBytes(k, key));
    },
    async saveIdentity(encodedAddress, publicKey) {
      const { jid, deviceId } = splitAddress(encodedAddress);
      const key = u8(publicKey).slice();
      const known = remoteKey(jid, deviceId);
      if (known && sameBytes(known, key)) return false;
      remoteKeys.set(`${jid}.${deviceId}`, key);
      const at = now();
      write(`identity:${jid}.${deviceId}`, () => q.saveRemote.run(acc, jid, deviceId, Buffer.from(key), at));
      // true: "the identity key changed" — a new device key means trust starts over.
      return known !== undefined;
    },
    async loadPreKey(keyId) {
      const id = toId(keyId);
      const row = q.preKey.get(acc, id) as { public_key: Buffer; private_key: Buffer } | undefined;
      if (!row) return undefined;
      return { pubKey: ab(row.public_key), privKey: ab(sealer.open(row.private_key, aad('prekey', id))) };
    },
    async storePreKey(keyId, keyPair) {
      const id = toId(keyId);
      q.insertPreKey.run(acc, id, Buffer.from(keyPair.pubKey), sealer.seal(u8(keyPair.privKey), aad('prekey', id)));
    },
    async removePreKey(keyId) {
      // Not deleted yet: the same prekey message may come again from the archive (ARCHITECTURE.md: "a prekey
      // used by an incoming message stays until catch-up has finished"). releaseUsedPrekeys() deletes it.
      const id = toId(keyId);
      const at = now();
      write(`prekey:${id}`, () => q.usePreKey.run(at, acc, id));
    },
    async storeSession(encodedAddress, record) {
      const { jid, deviceId } = splitAddress(encodedAddress);
      sessions.set(encodedAddress, record);
      const at = now();
      write(`session:${encodedAddress}`, () =>
        q.saveSession.run(acc, jid, deviceId, sealer.seal(Buffer.from(record, 'utf8'), aad('session', jid, deviceId)), at),
      );
    },
    async loadSession(encodedAddress) {
      if (!sessions.has(encodedAddress)) {
        const { jid, deviceId } = splitAddress(encodedAddress);
        const row = q.session.get(acc, jid, deviceId) as { record: Buffer } | undefined;
        sessions.set(encodedAddress, row ? sealer.open(row.record, aad('session', jid, deviceId)).toString('utf8') : null);
      }
      return sessions.get(encodedAddress) ?? undefined;
    },
    async loadSignedPreKey(keyId) {
      const id = toId(keyId);
      const row = q.signed.get(acc, id) as { public_key: Buffer; private_key: Buffer } | undefined;
      if (!row) return undefined;
      return { pubKey: ab(row.public_key), privKey: ab(sealer.open(row.private_key, aad('signed', id))) };
    },
    async storeSignedPreKey() {
      throw new Error('Store signed prekeys with storeSignedPreKeyWithSignature: the bundle needs the signature.');
    },
    async removeSignedPreKey(keyId) {
      q.removeSigned.run(acc, toId(keyId));
    },

    // ---- Vireo's additions ----
    hasIdentity: () => loadIdentity() !== undefined,
    saveIdentityKeyPair(keyPair, registrationId) {
      q.saveIdentity.run(acc, registrationId, Buffer.from(keyPair.pubKey), sealer.seal(u8(keyPair.privKey), aad('identity')), now());
      identity = undefined;
    },
    storeSignedPreKeyWithSignature(id, keyPair, signature, createdAt) {
      q.insertSigned.run(
        acc,
        id,
        Buffer.from(keyPair.pubKey),
        sealer.seal(u8(keyPair.privKey), aad('signed', id)),
        Buffer.from(signature),
        createdAt,
      );
    },
    listSignedPreKeys: () =>
      (q.listSigned.all(acc) as { key_id: number; public_key: Buffer; signature: Buffer; created_at: number }[]).map((r) => ({
        id: r.key_id,
        publicKey: plain(r.public_key),
        signature: plain(r.signature),
        createdAt: r.created_at,
      })),
    listUnusedPreKeys: () =>
      (q.unusedPreKeys.all(acc) as { key_id: number; public_key: Buffer }[]).map((r) => ({ id: r.key_id, publicKey: plain(r.public_key) })),
    maxPreKeyId: () => (q.maxPreKey.get(acc) as { m: number | null }).m ?? 0,
    storePreKeys: db.transaction((keys: { keyId: number; keyPair: KeyPairType }[]) => {
      for (const k of keys)
        q.insertPreKey.run(acc, k.keyId, Buffer.from(k.keyPair.pubKey), sealer.seal(u8(k.keyPair.privKey), aad('prekey', k.keyId)));
    }),
    releaseUsedPrekeys: () => q.releasePreKeys.run(acc).changes,
    getIdentity(jid, deviceId) {
      const row = q.remote.get(acc, jid, deviceId) as RemoteRow | undefined;
      return row ? remoteOf(row) : undefined;
    },
    listIdentities: (jid) => (q.remotes.all(acc, jid) as RemoteRow[]).map(remoteOf),
    setTrust(jid, deviceId, trust) {
      distrusted.delete(jid);
      if (q.setTrust.run(trust, acc, jid, deviceId).changes === 0) throw new Error(`No identity key known for ${jid} device ${deviceId}.`);
    },
    hasSession(jid, deviceId) {
      const k = `${jid}.${deviceId}`;
      if (sessions.has(k)) return sessions.get(k) !== null;
      return q.session.get(acc, jid, deviceId) !== undefined;
    },
    async capture(fn) {
      depth++;
      let value;
      try {
        value = await fn();
      } finally {
        depth--;
      }
      const held = [...pending.values()];
      pending.clear();
      let settled = false;
      return {
        value,
        apply() {
          if (settled) return;
          settled = true;
          for (const w of held) w();
        },
        discard() {
          if (settled) return;
          settled = true;
          sessions.clear();
          remoteKeys.clear();
          distrusted.clear();
        },
      };
    },
    async batch(fn) {
      depth++;
      try {
        return await fn();
      } finally {
        depth--;
        if (depth === 0 && pending.size) flush();
      }
    },
  };
}
