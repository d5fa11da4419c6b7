// Our own device's keys: identity, signed prekey (rotated), and a pool of one-time prekeys that is
// topped up as peers use them. XEP-0384 v0.3 §4.4: a bundle carries "a list of PreKeys … at least 20,
// ideally 100"; Conversations and Dino keep 100.
import { KeyHelper } from '@privacyresearch/libsignal-protocol-typescript';
import type { OmemoStore } from './signal-store.js';

export const PREKEY_COUNT = 100;
/** Conversations rotates weekly; the previous signed prekey is kept for messages still in flight. */
export const SIGNED_PREKEY_MAX_AGE_MS = 7 * 24 * 3600_000;
const SIGNED_PREKEYS_KEPT = 2;
/** Prekey ids are protobuf uint32; libsignal implementations use 24 bits (Medium.MAX_VALUE). */
const MAX_PREKEY_ID = 0xffffff;

export interface KeyReport {
  newIdentity: boolean;
  newSignedPreKey: boolean;
  newPreKeys: number;
}

/** Creates whatever is missing; returns what changed (anything new means: publish the bundle again). */
export async function ensureOwnKeys(store: OmemoStore, opts: { preKeyCount?: number; now?: number } = {}): Promise<KeyReport> {
  const now = opts.now ?? Date.now();
  const report: KeyReport = { newIdentity: false, newSignedPreKey: false, newPreKeys: 0 };
  if (!store.hasIdentity()) {
    store.saveIdentityKeyPair(await KeyHelper.generateIdentityKeyPair(), KeyHelper.generateRegistrationId());
    report.newIdentity = true;
  }
  if (store.listSignedPreKeys().length === 0) {
    await addSignedPreKey(store, now);
    report.newSignedPreKey = true;
  }
  report.newPreKeys = await replenishPreKeys(store, opts.preKeyCount ?? PREKEY_COUNT);
  return report;
}

/** Tops the unused prekeys up to `count` with fresh ids; returns how many were made. */
export async function replenishPreKeys(store: OmemoStore, count = PREKEY_COUNT): Promise<number> {
  const missing = count - store.listUnusedPreKeys().length;
  if (missing <= 0) return 0;
  let next = store.maxPreKeyId();
  const keys = [];
  for (let i = 0; i < missing; i++) {
    next = next >= MAX_PREKEY_ID ? 1 : next + 1;
    const k = await KeyHelper.generatePreKey(next);
    keys.push({ keyId: k.keyId, keyPair: k.keyPair });
  }
  store.storePreKeys(keys);
  return missing;
}

/** Makes a new signed prekey when the newest is older than maxAgeMs; keeps the previous one. Returns true if rotated. */
export async function rotateSignedPreKey(store: OmemoStore, opts: { maxAgeMs?: number; now?: number } = {}): Promise<boolean> {
  const now = opts.now ?? Date.now();
  const current = store.listSignedPreKeys()[0];
  if (current && now - current.createdAt < (opts.maxAgeMs ?? SIGNED_PREKEY_MAX_AGE_MS)) return false;
  await addSignedPreKey(store, now);
  for (const old of store.listSignedPreKeys().slice(SIGNED_PREKEYS_KEPT)) await store.removeSignedPreKey(old.id);
  return true;
}

async function addSignedPreKey(store: OmemoStore, now: number): Promise<void> {
  const identity = await store.getIdentityKeyPair();
  if (!identity) throw new Error('Generate the identity key before a signed prekey.');
  const newest = store.listSignedPreKeys()[0];
  const id = newest ? (newest.id % MAX_PREKEY_ID) + 1 : 1;
  const spk = await KeyHelper.generateSignedPreKey(identity, id);
  store.storeSignedPreKeyWithSignature(spk.keyId, spk.keyPair, spk.signature, now);
}
