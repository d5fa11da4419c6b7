// Curve25519 for libsignal through node:crypto (OpenSSL's X25519) instead of the library's asm.js
// build of curve25519-donna, plus synchronous HMAC/AES (node-webcrypto.ts). Profiling the bench
// (node --cpu-prof) showed the asm.js curve, then OpenSSL key import and thread-pool hops of
// crypto.subtle dominating a message (see bench/omemo.ts). libsignal offers setCurve() and
// setWebCrypto() for exactly this.
//
// Only key pairs and key agreement move: XEdDSA signatures (Signal's signatures made with a
// Curve25519 key) are not available in OpenSSL, so signing and verifying stay with the library's
// own implementation (@privacyresearch/curve25519-typescript, libsignal's dependency). They are used
// when a signed prekey is made and when a peer's bundle is processed, not per message.
//
// setCurve is process-wide, so installing is idempotent and the same for every account.
import { createPrivateKey, createPublicKey, diffieHellman, type KeyObject } from 'node:crypto';
import { setCurve, setWebCrypto } from '@privacyresearch/libsignal-protocol-typescript';
import { createNodeWebCrypto } from './node-webcrypto.js';
import { Curve25519Wrapper, type AsyncCurve, type KeyPair } from '@privacyresearch/curve25519-typescript';
// The library's curve module no longer registers process listeners that made any unhandled rejection
// fatal: Vireo's patch of it, applied at install (patches/README.md).

const PKCS8_X25519 = Buffer.from('302e020100300506032b656e04220420', 'hex');

const ab = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

// Importing a key is most of the cost: OpenSSL's DER (PKCS#8) decoder takes ~440 µs, a JWK ~50 µs
// (public ~7 µs). For a private JWK node derives the public half from 'd' (the test checks the
// results against the library's curve); should a future node insist on a matching 'x', the DER
// path takes over. Recently used private keys (identity, signed prekey, current ratchet key) are
// kept as KeyObjects.
const DUMMY_X = 'A'.repeat(43);
const privateCache = new Map<string, KeyObject>();
const PRIVATE_CACHE_MAX = 256;
let jwkWorks = true;

function privateKeyObject(priv: ArrayBuffer): KeyObject {
  const raw = Buffer.from(priv);
  const id = raw.toString('base64url');
  let k = privateCache.get(id);
  if (k) return k;
  if (jwkWorks) {
    try {
      k = createPrivateKey({ key: { kty: 'OKP', crv: 'X25519', d: id, x: DUMMY_X }, format: 'jwk' });
    } catch {
      jwkWorks = false;
    }
  }
  k ??= createPrivateKey({ key: Buffer.concat([PKCS8_X25519, raw]), format: 'der', type: 'pkcs8' });
  if (privateCache.size >= PRIVATE_CACHE_MAX) privateCache.delete(privateCache.keys().next().value!);
  privateCache.set(id, k);
  return k;
}

const publicKeyObject = (pub: ArrayBuffer): KeyObject =>
  createPublicKey({ key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(pub).toString('base64url') }, format: 'jwk' });

/** RFC 7748 §5 clamping, as curve25519-donna's keyPair does, so stored private keys are bit-identical. */
function clamp(priv: ArrayBuffer): Uint8Array {
  const p = new Uint8Array(priv.slice(0));
  p[0]! &= 248;
  p[31]! &= 127;
  p[31]! |= 64;
  return p;
}

export function createNodeCurve(signer: Pick<AsyncCurve, 'sign' | 'verify'>): AsyncCurve {
  return {
    async keyPair(privKey: ArrayBuffer): Promise<KeyPair> {
      const priv = clamp(privKey);
      const jwk = createPublicKey(privateKeyObject(ab(priv))).export({ format: 'jwk' });
      return { pubKey: ab(Buffer.from(jwk.x!, 'base64url')), privKey: ab(priv) };
    },
    async sharedSecret(pubKey: ArrayBuffer, privKey: ArrayBuffer): Promise<ArrayBuffer> {
      return ab(diffieHellman({ privateKey: privateKeyObject(privKey), publicKey: publicKeyObject(pubKey) }));
    },
    sign: (privKey, message) => signer.sign(privKey, message),
    verify: (pubKey, message, sig) => signer.verify(pubKey, message, sig),
  };
}

let installed: Promise<void> | undefined;

/** The library's own XEdDSA, synchronous build (no extra promise hop per call). */
async function librarySigner(): Promise<Pick<AsyncCurve, 'sign' | 'verify'>> {
  const w = await Curve25519Wrapper.create();
  return { sign: async (k, m) => w.sign(k, m), verify: async (k, m, s) => w.verify(k, m, s) };
}

/**
 * Installs the node:crypto curve and WebCrypto subset into libsignal (once per process; both are
 * process-wide settings of the library). Signing waits for the library's asm.js module to load.
 */
export function installNodeCrypto(): void {
  if (installed) return;
  const signer = librarySigner();
  // Until the signer is ready, sign/verify await it; keyPair/sharedSecret never wait.
  setWebCrypto(createNodeWebCrypto() as unknown as Parameters<typeof setWebCrypto>[0]);
  setCurve(createNodeCurve({ sign: async (k, m) => (await signer).sign(k, m), verify: async (k, m, s) => (await signer).verify(k, m, s) }));
  installed = signer.then(() => undefined);
}
