// XEP-0384 v0.3 §4.5 "Sending a message": the payload is AES-128-GCM under a fresh key and IV; the
// key travels to each device inside a Signal message. What real peers do (peer README): 12-byte IV,
// and the <key/> carries the 16-byte AES key followed by the 16-byte GCM tag (32 bytes); <payload/>
// is the ciphertext without the tag. (Early clients appended the tag to the payload instead; that
// layout is read too, see decryptPayload.)
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export const KEY_BYTES = 16;
export const TAG_BYTES = 16;
export const IV_BYTES = 12;

export interface SealedPayload {
  /** Ciphertext, without the tag. */
  payload: Uint8Array;
  iv: Uint8Array;
  /** 32 bytes: AES key ‖ GCM tag — what gets Signal-encrypted per device. */
  keyAndTag: Uint8Array;
}

export class PayloadError extends Error {
  constructor(
    message: string,
    readonly code: 'bad-key' | 'bad-iv' | 'tag-mismatch',
  ) {
    super(message);
    this.name = 'PayloadError';
  }
}

/** Encrypts `plaintext` (UTF-8 text or bytes) under a fresh key and IV. `key`/`iv` are for test vectors only. */
export function encryptPayload(plaintext: string | Uint8Array, fixed: { key?: Uint8Array; iv?: Uint8Array } = {}): SealedPayload {
  const key = fixed.key ?? randomBytes(KEY_BYTES);
  const iv = fixed.iv ?? randomBytes(IV_BYTES);
  if (key.length !== KEY_BYTES) throw new PayloadError(`The OMEMO payload key must be ${KEY_BYTES} bytes, not ${key.length}.`, 'bad-key');
  if (iv.length !== IV_BYTES) throw new PayloadError(`The OMEMO IV must be ${IV_BYTES} bytes, not ${iv.length}.`, 'bad-iv');
  const cipher = createCipheriv('aes-128-gcm', key, iv);
  const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
  const payload = Buffer.concat([cipher.update(data), cipher.final()]);
  const tag = cipher.getAuthTag();
  return { payload: new Uint8Array(payload), iv: new Uint8Array(iv), keyAndTag: new Uint8Array(Buffer.concat([key, tag])) };
}

/**
 * The plaintext bytes. `keyAndTag` is the decrypted content of our <key/>: 32 bytes (key ‖ tag) as
 * everyone sends today; 16 bytes (key only, tag appended to the payload) from very old clients.
 * Throws PayloadError 'tag-mismatch' when the message was altered or the key is wrong.
 */
export function decryptPayload(payload: Uint8Array, iv: Uint8Array, keyAndTag: Uint8Array): Uint8Array {
  let key: Uint8Array;
  let tag: Uint8Array;
  let data = payload;
  if (keyAndTag.length >= KEY_BYTES + TAG_BYTES) {
    key = keyAndTag.subarray(0, KEY_BYTES);
    tag = keyAndTag.subarray(KEY_BYTES, KEY_BYTES + TAG_BYTES);
  } else if (keyAndTag.length === KEY_BYTES && payload.length >= TAG_BYTES) {
    key = keyAndTag;
    tag = payload.subarray(payload.length - TAG_BYTES);
    data = payload.subarray(0, payload.length - TAG_BYTES);
  } else {
    throw new PayloadError(`The OMEMO message key has ${keyAndTag.length} bytes; expected 32 (key and tag).`, 'bad-key');
  }
  if (iv.length !== 12 && iv.length !== 16) throw new PayloadError(`The OMEMO IV has ${iv.length} bytes; expected 12.`, 'bad-iv');
  const decipher = createDecipheriv('aes-128-gcm', key, iv);
  decipher.setAuthTag(tag);
  try {
    return new Uint8Array(Buffer.concat([decipher.update(data), decipher.final()]));
  } catch {
    throw new PayloadError('The encrypted message was altered or was not encrypted with this key (GCM tag mismatch).', 'tag-mismatch');
  }
}

export function decryptPayloadText(payload: Uint8Array, iv: Uint8Array, keyAndTag: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false }).decode(decryptPayload(payload, iv, keyAndTag));
}
