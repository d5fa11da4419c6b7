// Legacy OMEMO (XEP-0384 v0.3) for one own device: bundle, X3DH from a peer's bundle, encrypting a
// message for many devices and decrypting one, on top of libsignal (Signal's X3DH + Double Ratchet,
// which v0.3 uses unchanged). The wire format is ./wire.ts, the payload cipher ./payload.ts; this
// file only joins them with the store. No XMPP here: the service fetches bundles and sends stanzas.
import { SessionBuilder, SessionCipher, SignalProtocolAddress, type StorageType } from '@privacyresearch/libsignal-protocol-typescript';
// Not re-exported by the package index; needed to try each session of a record on its own (see decryptWhisper).
import { SessionRecord } from '@privacyresearch/libsignal-protocol-typescript/lib/session-record.js';
import { fingerprintHex } from '../fingerprint.js';
import { installNodeCrypto } from '../node-curve.js';
// Old receiving chains are really removed and parsed records are kept between messages: both are
// Vireo's patch of the library, applied at install (patches/README.md).
import { sessionCount } from './record-cache.js';
import type { OmemoStore, Trust } from '../signal-store.js';
import { decryptPayload, encryptPayload, PayloadError } from './payload.js';
import { isDeviceId, keyForDevice, type EncryptedKey, type LegacyBundle, type LegacyEncrypted } from './wire.js';
import { errorMessage } from '../../lib/error-message.js';

export interface DeviceAddress {
  /** Bare JID. */
  jid: string;
  deviceId: number;
}

export type DecryptErrorCode =
  | 'not-for-this-device'
  | 'sent-by-this-device'
  | 'no-session'
  | 'bad-mac'
  | 'duplicate'
  | 'untrusted-identity'
  | 'bad-payload'
  | 'invalid-message';

export type DecryptResult =
  | {
      ok: true;
      kind: 'message' | 'key-transport';
      /** Absent for key transport. */
      plaintext?: string;
      sender: DeviceAddress;
      /** Hex of the sender's identity key (fingerprint.ts). */
      fingerprint: string;
      trust: Trust;
      /** The message started a session (PreKeyWhisperMessage): one of our prekeys was used; replenish and republish the bundle. */
      usedPreKey: boolean;
    }
  /** The window says why in words (shared/notices.ts, renderer/src/lib/notice-text.ts). */
  | { ok: false; error: DecryptErrorCode; sender: DeviceAddress; detail?: string };

export interface EncryptResult {
  encrypted: LegacyEncrypted;
  /** Devices that could not be included (no session, key changed…); the caller decides whether to send. */
  skipped: (DeviceAddress & { reason: string })[];
}

export type ProcessBundleResult = { ok: true } | { ok: false; error: 'bad-bundle' | 'untrusted-identity'; message: string };

export interface OmemoDevice {
  readonly deviceId: number;
  /** Our bundle, from the store (publish it with wire.buildBundlePublish). */
  buildBundle(): Promise<LegacyBundle>;
  /** X3DH with a peer device's bundle, using one of its one-time prekeys at random. */
  processBundle(jid: string, deviceId: number, bundle: LegacyBundle): Promise<ProcessBundleResult>;
  hasSession(jid: string, deviceId: number): boolean;
  /** `null` plaintext makes a key-transport message (no payload). */
  encryptFor(recipients: readonly DeviceAddress[], plaintext: string | null): Promise<EncryptResult>;
  decrypt(message: { from: string; encrypted: LegacyEncrypted }, ownJid: string): Promise<DecryptResult>;
}

const ab = (u: Uint8Array): ArrayBuffer => u.buffer.slice(u.byteOffset, u.byteOffset + u.byteLength) as ArrayBuffer;

export function createOmemoDevice(opts: { store: OmemoStore; deviceId: number; fastCurve?: boolean }): OmemoDevice {
  const { store, deviceId } = opts;
  if (!isDeviceId(deviceId)) throw new RangeError(`not an OMEMO device id: ${deviceId}`);
  // Curve25519 through node:crypto instead of the library's asm.js build (see node-curve.ts).
  if (opts.fastCurve !== false) installNodeCrypto();
  const addr = (jid: string, id: number) => new SignalProtocolAddress(jid, id);

  function fail(error: DecryptErrorCode, sender: DeviceAddress, detail?: string): DecryptResult {
    return { ok: false, error, sender, ...(detail ? { detail } : {}) };
  }

  function classify(e: unknown): DecryptErrorCode {
    const m = e instanceof Error ? e.message : String(e);
    if (/No record|No session/i.test(m)) return 'no-session';
    if (/counter was repeated|Message key not found/i.test(m)) return 'duplicate';
    if (/Bad MAC/i.test(m)) return 'bad-mac';
    if (/Identity key changed|Unknown identity key/i.test(m)) return 'untrusted-identity';
    return 'invalid-message';
  }

  /**
   * A WhisperMessage, tried against each session of the record on a copy of it. libsignal-typescript
   * tries them in place, and a session that fails steps its ratchet before the MAC check fails: the
   * corrupted session is then saved with the one that worked. When both sides started a session at
   * the same time (two open chats, two new devices) every later message fails with "Bad MAC" on both
   * sides. libsignal-java tries copies (SessionCipher.decrypt with `new SessionState(previous)`); so
   * do we: the session that decrypted replaces its old self, and becomes the open one.
   */
  async function decryptWhisper(address: SignalProtocolAddress, body: string): Promise<ArrayBuffer> {
    const key = address.toString();
    const raw = await store.loadSession(key);
    if (!raw) throw new Error(`No record for device ${key}`);
    // One session (the usual case): nothing else is tried, and a failure stores nothing.
    if (sessionCount(raw) <= 1) return new SessionCipher(store, address).decryptWhisperMessage(body, 'binary');
    const record = SessionRecord.deserialize(raw);
    // getSessions(): closed ones oldest first, then the open one. Try the open one first.
    const candidates = record.getSessions().reverse();
    const keyOf = (x: object) => Object.keys(record.sessions).find((k) => record.sessions[k] === x)!;
    let firstError: unknown;
    for (const candidate of candidates) {
      // A fresh copy of the record holding only this session, as the open one.
      const copy = SessionRecord.deserialize(raw);
      const keep = keyOf(candidate);
      for (const k of Object.keys(copy.sessions)) if (k !== keep) delete copy.sessions[k];
      const only = copy.sessions[keep]!;
      const wasOpen = only.indexInfo.closed === -1;
      only.indexInfo.closed = -1;
      let saved: string | undefined;
      const view: StorageType = Object.create(store, {
        loadSession: { value: async (a: string) => (a === key ? copy.serialize() : store.loadSession(a)) },
        storeSession: { value: async (a: string, r: string) => (a === key ? void (saved = r) : store.storeSession(a, r)) },
      });
      try {
        const plaintext = await new SessionCipher(view, address).decryptWhisperMessage(body, 'binary');
        const updated = saved ? SessionRecord.deserialize(saved).getOpenSession() : undefined;
        if (updated) {
          if (!wasOpen) record.archiveCurrentState();
          updated.indexInfo.closed = -1;
          record.updateSessionState(updated);
          await store.storeSession(key, record.serialize());
        }
        return plaintext;
      } catch (e) {
        // A message key already used: this is the right session and the message is a copy.
        if ((e as Error)?.name === 'MessageCounterError' || /counter was repeated|Message key not found/i.test(errorMessage(e))) throw e;
        firstError ??= e;
      }
    }
    throw firstError ?? new Error(`No session for device ${key}`);
  }

  async function decryptKey(sender: DeviceAddress, key: EncryptedKey): Promise<{ keyAndTag: Uint8Array; usedPreKey: boolean }> {
    const address = addr(sender.jid, sender.deviceId);
    const cipher = new SessionCipher(store, address);
    const body = Buffer.from(key.data).toString('binary');
    if (key.prekey) return { keyAndTag: new Uint8Array(await cipher.decryptPreKeyWhisperMessage(body, 'binary')), usedPreKey: true };
    try {
      return { keyAndTag: new Uint8Array(await decryptWhisper(address, body)), usedPreKey: false };
    } catch (e) {
      // Peer README: some clients send a prekey message without prekey='true'. Try it as one before
      // giving up — but not for a replay, which is a Whisper message we already read.
      if (classify(e) === 'duplicate') throw e;
      try {
        return { keyAndTag: new Uint8Array(await cipher.decryptPreKeyWhisperMessage(body, 'binary')), usedPreKey: true };
      } catch {
        throw e;
      }
    }
  }

  return {
    deviceId,

    async buildBundle() {
      const identity = await store.getIdentityKeyPair();
      const spk = store.listSignedPreKeys()[0];
      if (!identity || !spk) throw new Error('The OMEMO keys are not generated yet (ensureOwnKeys).');
      return {
        identityKey: new Uint8Array(identity.pubKey),
        signedPreKey: { id: spk.id, publicKey: spk.publicKey },
        signedPreKeySignature: spk.signature,
        preKeys: store.listUnusedPreKeys(),
      };
    },

    async processBundle(jid, peerDeviceId, bundle) {
      const preKey = bundle.preKeys.length ? bundle.preKeys[Math.floor(Math.random() * bundle.preKeys.length)] : undefined;
      try {
        await store.batch(() =>
          new SessionBuilder(store, addr(jid, peerDeviceId)).processPreKey({
            identityKey: ab(bundle.identityKey),
            signedPreKey: {
              keyId: bundle.signedPreKey.id,
              publicKey: ab(bundle.signedPreKey.publicKey),
              signature: ab(bundle.signedPreKeySignature),
            },
            ...(preKey ? { preKey: { keyId: preKey.id, publicKey: ab(preKey.publicKey) } } : {}),
          }),
        );
        return { ok: true };
      } catch (e) {
        const m = e instanceof Error ? e.message : String(e);
        // Said as what happened, for the sentence the user reads (omemo-messages.ts), never as the
        // contact's fault: the cause may as well be on this side.
        if (/Identity key changed/.test(m))
          return { ok: false, error: 'untrusted-identity', message: `you marked the key of device ${peerDeviceId} as not trusted` };
        return { ok: false, error: 'bad-bundle', message: `device ${peerDeviceId}: ${m}` };
      }
    },

    hasSession: (jid, id) => store.hasSession(jid, id),

    async encryptFor(recipients, plaintext) {
      const sealed = plaintext === null ? encryptPayload(new Uint8Array(0)) : encryptPayload(plaintext);
      const skipped: EncryptResult['skipped'] = [];
      const keys = await store.batch(() =>
        Promise.all(
          recipients.map(async (r): Promise<EncryptedKey | undefined> => {
            try {
              const m = await new SessionCipher(store, addr(r.jid, r.deviceId)).encrypt(ab(sealed.keyAndTag));
              if (m.body === undefined) throw new Error('libsignal returned no ciphertext');
              return { rid: r.deviceId, prekey: m.type === 3, data: new Uint8Array(Buffer.from(m.body, 'binary')) };
            } catch (e) {
              skipped.push({ ...r, reason: e instanceof Error ? e.message : String(e) });
              return undefined;
            }
          }),
        ),
      );
      return {
        encrypted: {
          sid: deviceId,
          iv: sealed.iv,
          keys: keys.filter((k): k is EncryptedKey => k !== undefined),
          ...(plaintext === null ? {} : { payload: sealed.payload }),
        },
        skipped,
      };
    },

    async decrypt({ from, encrypted }, ownJid) {
      const sender = { jid: from, deviceId: encrypted.sid };
      if (from === ownJid && encrypted.sid === deviceId) return fail('sent-by-this-device', sender);
      const key = keyForDevice(encrypted, deviceId);
      if (!key) return fail('not-for-this-device', sender);
      let keyAndTag: Uint8Array;
      let usedPreKey: boolean;
      try {
        ({ keyAndTag, usedPreKey } = await store.batch(() => decryptKey(sender, key)));
      } catch (e) {
        return fail(classify(e), sender, e instanceof Error ? e.message : String(e));
      }
      const identity = store.getIdentity(sender.jid, sender.deviceId);
      const who = {
        sender,
        fingerprint: identity ? fingerprintHex(identity.identityKey) : '',
        trust: identity?.trust ?? ('undecided' as const),
        usedPreKey,
      };
      if (!encrypted.payload) return { ok: true, kind: 'key-transport', ...who };
      try {
        return {
          ok: true,
          kind: 'message',
          plaintext: new TextDecoder().decode(decryptPayload(encrypted.payload, encrypted.iv, keyAndTag)),
          ...who,
        };
      } catch (e) {
        return fail('bad-payload', sender, e instanceof PayloadError ? e.message : String(e));
      }
    },
  };
}
