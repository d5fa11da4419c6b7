import { describe, expect, it } from 'vitest';
import { randomBytes, webcrypto } from 'node:crypto';
import { createNodeWebCrypto } from './node-webcrypto.js';

// Byte-identical to the real WebCrypto for every call libsignal makes (internal/crypto.js).
describe('node:crypto WebCrypto subset for libsignal', () => {
  const fast = createNodeWebCrypto();
  const real = webcrypto.subtle;
  const hex = (b: ArrayBuffer) => Buffer.from(b).toString('hex');

  it('HMAC-SHA-256, AES-CBC both ways and SHA-512 match crypto.subtle', async () => {
    for (const len of [0, 1, 31, 32, 33, 100]) {
      const key = randomBytes(32);
      const data = randomBytes(len);
      const iv = randomBytes(16);
      const hk = await real.importKey('raw', key, { name: 'HMAC', hash: { name: 'SHA-256' } }, false, ['sign']);
      const fk = await fast.subtle.importKey('raw', key, { name: 'HMAC' });
      expect(hex(await fast.subtle.sign({ name: 'HMAC' }, fk, data))).toBe(
        hex(await real.sign({ name: 'HMAC', hash: 'SHA-256' }, hk, data)),
      );
      const ak = await real.importKey('raw', key, { name: 'AES-CBC' }, false, ['encrypt', 'decrypt']);
      const fa = await fast.subtle.importKey('raw', key, { name: 'AES-CBC' });
      const ct = await fast.subtle.encrypt({ iv }, fa, data);
      expect(hex(ct)).toBe(hex(await real.encrypt({ name: 'AES-CBC', iv }, ak, data)));
      expect(hex(await fast.subtle.decrypt({ iv }, fa, ct))).toBe(data.toString('hex'));
      expect(hex(await fast.subtle.digest({ name: 'SHA-512' }, data))).toBe(hex(await real.digest('SHA-512', data)));
    }
  });

  it('fills random values and refuses what it does not implement', async () => {
    const a = fast.getRandomValues(new Uint8Array(32));
    expect(a.some((b) => b !== 0)).toBe(true);
    const k = await fast.subtle.importKey('raw', randomBytes(32), { name: 'AES-CBC' });
    await expect(fast.subtle.sign({ name: 'HMAC' }, k, new Uint8Array(1))).rejects.toThrow(/HMAC/);
    await expect(fast.subtle.importKey('jwk', new Uint8Array(1), 'HMAC')).rejects.toThrow(/format/);
    // Not a whole number of blocks: always refused (random 16 bytes would pass the padding check 1 time in 256).
    await expect(fast.subtle.decrypt({ iv: randomBytes(16) }, k, randomBytes(15))).rejects.toThrow();
  });
});
