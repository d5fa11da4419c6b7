import { describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv } from 'node:crypto';
import { decryptPayload, decryptPayloadText, encryptPayload, PayloadError } from './payload.js';

// A fixed vector: key 00..0f, IV a0..ab, a known text. Expected bytes come from node:crypto directly
// (a second, independent use of OpenSSL), and the tag is pinned so a layout change is caught.
const key = Uint8Array.from({ length: 16 }, (_, i) => i);
const iv = Uint8Array.from({ length: 12 }, (_, i) => 0xa0 + i);
const text = 'Call me but love, and I’ll be new baptized';

function reference(): { ct: Buffer; tag: Buffer } {
  const c = createCipheriv('aes-128-gcm', key, iv);
  const ct = Buffer.concat([c.update(text, 'utf8'), c.final()]);
  return { ct, tag: c.getAuthTag() };
}

describe('legacy OMEMO payload (AES-128-GCM)', () => {
  it('matches node:crypto for a fixed key and IV; the <key> is key ‖ tag', () => {
    const sealed = encryptPayload(text, { key, iv });
    const { ct, tag } = reference();
    expect(Buffer.from(sealed.payload).toString('hex')).toBe(ct.toString('hex'));
    expect(sealed.keyAndTag.length).toBe(32);
    expect(Buffer.from(sealed.keyAndTag.subarray(0, 16))).toEqual(Buffer.from(key));
    expect(Buffer.from(sealed.keyAndTag.subarray(16)).toString('hex')).toBe(tag.toString('hex'));
    expect(Buffer.from(sealed.iv)).toEqual(Buffer.from(iv));
    // Pinned: a change of cipher, key/tag order or IV use shows up here.
    expect(tag.toString('hex')).toBe('7e444b2513cc6376a4d407886afbd69f');
    expect(ct.toString('hex')).toBe('e9e754d75ee4562ae80dc1202a7dc6057fce4266e737744da5891df762efea88f4c632116d8b9c1916a487a0');
    expect(sealed.payload.length).toBe(Buffer.byteLength(text));
  });

  it('decrypts what node:crypto encrypted, and node:crypto decrypts what it encrypted', () => {
    const { ct, tag } = reference();
    expect(decryptPayloadText(ct, iv, Buffer.concat([key, tag]))).toBe(text);
    const sealed = encryptPayload('round trip ✓');
    const d = createDecipheriv('aes-128-gcm', sealed.keyAndTag.subarray(0, 16), sealed.iv);
    d.setAuthTag(sealed.keyAndTag.subarray(16));
    expect(Buffer.concat([d.update(sealed.payload), d.final()]).toString('utf8')).toBe('round trip ✓');
  });

  it('uses a fresh key and IV every time', () => {
    const a = encryptPayload('same');
    const b = encryptPayload('same');
    expect(a.iv.length).toBe(12);
    expect(Buffer.from(a.keyAndTag)).not.toEqual(Buffer.from(b.keyAndTag));
    expect(Buffer.from(a.iv)).not.toEqual(Buffer.from(b.iv));
  });

  it('reads the old layout (16-byte key, tag appended to the payload)', () => {
    const { ct, tag } = reference();
    expect(decryptPayloadText(Buffer.concat([ct, tag]), iv, key)).toBe(text);
  });

  it('refuses altered ciphertext, tag or key with a clear error', () => {
    const sealed = encryptPayload(text, { key, iv });
    const flip = (b: Uint8Array, i: number) => {
      const c = Uint8Array.from(b);
      c[i]! ^= 1;
      return c;
    };
    for (const [p, k] of [
      [flip(sealed.payload, 0), sealed.keyAndTag],
      [sealed.payload, flip(sealed.keyAndTag, 20)],
      [sealed.payload, flip(sealed.keyAndTag, 3)],
    ] as const) {
      expect(() => decryptPayload(p, iv, k)).toThrow(PayloadError);
      expect(() => decryptPayload(p, iv, k)).toThrow(/altered|tag mismatch/);
    }
    expect(() => decryptPayload(sealed.payload, flip(iv, 0), sealed.keyAndTag)).toThrow(/tag mismatch/);
    try {
      decryptPayload(sealed.payload, iv, sealed.keyAndTag.subarray(0, 10));
    } catch (e) {
      expect((e as PayloadError).code).toBe('bad-key');
    }
    expect(() => encryptPayload('x', { iv: new Uint8Array(16) })).toThrow(/12 bytes/);
  });
});
