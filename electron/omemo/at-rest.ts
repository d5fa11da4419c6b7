// Private key material at rest (ARCHITECTURE.md "Secrets": nothing secret on disk in clear text).
// AES-256-GCM under a 32-byte key that the caller gets from the SecretStore. Each blob is bound to
// its row by the additional authenticated data (table and key), so a row copied over another one
// does not decrypt: a swapped prekey or session is an error, not a silent substitution.
// Layout: version byte 1 ‖ 12-byte IV ‖ ciphertext ‖ 16-byte tag.
import { createCipheriv, createDecipheriv, createSecretKey, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV = 12;
const TAG = 16;

export interface Sealer {
  seal(plain: Uint8Array, aad: string): Buffer;
  open(sealed: Uint8Array, aad: string): Buffer;
}

export function createSealer(key: Uint8Array): Sealer {
  if (key.length !== 32) throw new RangeError(`The OMEMO storage key must be 32 bytes, not ${key.length}.`);
  // A KeyObject, imported once: a raw key is imported again by every createCipheriv (~40% of a seal).
  const k = createSecretKey(Buffer.from(key));
  return {
    seal(plain, aad) {
      const iv = randomBytes(IV);
      const c = createCipheriv('aes-256-gcm', k, iv);
      c.setAAD(Buffer.from(aad, 'utf8'));
      const ct = Buffer.concat([c.update(plain), c.final()]);
      return Buffer.concat([Buffer.of(VERSION), iv, ct, c.getAuthTag()]);
    },
    open(sealed, aad) {
      const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
      if (b.length < 1 + IV + TAG || b[0] !== VERSION) throw new Error('OMEMO key material in the database is not in a known format.');
      const d = createDecipheriv('aes-256-gcm', k, b.subarray(1, 1 + IV));
      d.setAAD(Buffer.from(aad, 'utf8'));
      d.setAuthTag(b.subarray(b.length - TAG));
      try {
        return Buffer.concat([d.update(b.subarray(1 + IV, b.length - TAG)), d.final()]);
      } catch {
        throw new Error('OMEMO key material in the database cannot be decrypted: wrong storage key, or the data was altered.');
      }
    },
  };
}
