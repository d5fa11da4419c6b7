// The fingerprint people compare: hex of the Curve25519 identity key without the 0x05 type byte,
// in groups of 8 — as Conversations, Dino and Gajim show it (peer README).
export function fingerprintHex(identityKey: Uint8Array): string {
  const key = identityKey.length === 33 && identityKey[0] === 0x05 ? identityKey.subarray(1) : identityKey;
  if (key.length !== 32) throw new RangeError(`An OMEMO identity key has 32 bytes (33 with its type byte), not ${identityKey.length}.`);
  return Buffer.from(key).toString('hex');
}

/** `05a1b2c3 d4e5f607 …`: 8 groups of 8 hex digits. */
export function formatFingerprint(identityKey: Uint8Array): string {
  return fingerprintHex(identityKey).match(/.{8}/g)!.join(' ');
}
