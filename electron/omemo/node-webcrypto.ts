// The part of WebCrypto that libsignal uses (internal/crypto.js: raw importKey, AES-CBC encrypt and
// decrypt, HMAC-SHA-256 sign, SHA-512 digest, getRandomValues), done with node:crypto's synchronous
// primitives. Node runs every crypto.subtle call as a job on the libuv thread pool: ~70 µs for one
// HMAC against ~4 µs synchronously, and a message makes about 15 of them (HKDF, chain keys, MAC).
// Installed with libsignal's own setWebCrypto(); results are byte-identical (see the test).
import { createCipheriv, createDecipheriv, createHash, createHmac, randomFillSync } from 'node:crypto';

type Bytes = ArrayBuffer | ArrayBufferView;
interface RawKey {
  raw: Buffer;
  algorithm: string;
}

const buf = (b: Bytes): Buffer => (b instanceof ArrayBuffer ? Buffer.from(b) : Buffer.from(b.buffer, b.byteOffset, b.byteLength));
const out = (b: Buffer): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const algName = (a: string | { name: string }) => (typeof a === 'string' ? a : a.name).toUpperCase();

function aesCbc(mode: 'encrypt' | 'decrypt', alg: { iv: Bytes }, key: RawKey, data: Bytes): ArrayBuffer {
  if (key.algorithm !== 'AES-CBC') throw new Error(`key is not for AES-CBC: ${key.algorithm}`);
  const name = `aes-${key.raw.length * 8}-cbc`;
  const c = mode === 'encrypt' ? createCipheriv(name, key.raw, buf(alg.iv)) : createDecipheriv(name, key.raw, buf(alg.iv));
  return out(Buffer.concat([c.update(buf(data)), c.final()]));
}

export function createNodeWebCrypto() {
  return {
    getRandomValues<T extends ArrayBufferView>(array: T): T {
      randomFillSync(array as unknown as Uint8Array);
      return array;
    },
    subtle: {
      async importKey(format: string, key: Bytes, algorithm: string | { name: string }): Promise<RawKey> {
        if (format !== 'raw') throw new Error(`unsupported key format: ${format}`);
        return { raw: Buffer.from(buf(key)), algorithm: algName(algorithm) };
      },
      async sign(algorithm: string | { name: string }, key: RawKey, data: Bytes): Promise<ArrayBuffer> {
        if (algName(algorithm) !== 'HMAC' || key.algorithm !== 'HMAC') throw new Error('only HMAC-SHA-256 signing is supported');
        return out(createHmac('sha256', key.raw).update(buf(data)).digest());
      },
      encrypt: async (alg: { iv: Bytes }, key: RawKey, data: Bytes) => aesCbc('encrypt', alg, key, data),
      decrypt: async (alg: { iv: Bytes }, key: RawKey, data: Bytes) => aesCbc('decrypt', alg, key, data),
      async digest(algorithm: string | { name: string }, data: Bytes): Promise<ArrayBuffer> {
        const name = algName(algorithm);
        if (name !== 'SHA-512' && name !== 'SHA-256') throw new Error(`unsupported digest: ${name}`);
        return out(createHash(name.replace('-', '').toLowerCase()).update(buf(data)).digest());
      },
    },
  };
}
