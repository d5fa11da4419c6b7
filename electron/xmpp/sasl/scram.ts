// SCRAM client (RFC 5802; SHA-256 per RFC 7677, SHA-512 per draft-melnikov-scram-sha-512) computed
// with Node's native PBKDF2/HMAC. The stock @xmpp mechanism runs PBKDF2 as thousands of awaited
// WebCrypto calls (~1.2 s of CPU per login, CONTRIBUTING.md); this takes a few milliseconds. A caller may
// pass a cache, owned by one account and one password, so that reconnects skip PBKDF2 entirely (as
// Conversations does); nothing is cached globally.
import { createHash, createHmac, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { saslprep } from './saslprep.js';

export type ScramHash = 'sha1' | 'sha256' | 'sha512';
export const SCRAM_MECHANISMS: Record<string, ScramHash> = {
  'SCRAM-SHA-512': 'sha512',
  'SCRAM-SHA-256': 'sha256',
  'SCRAM-SHA-1': 'sha1',
};

const HASH_LEN: Record<ScramHash, number> = { sha1: 20, sha256: 32, sha512: 64 };

/** Salted passwords by hash+salt+iterations, for ONE account and password; never persisted or logged. */
export type SaltedPasswordCache = Map<string, Buffer>;

/** RFC 5802 §5.1: '=' and ',' in the user name are escaped as =3D and =2C. */
export function escapeUsername(name: string): string {
  return name.replace(/=/g, '=3D').replace(/,/g, '=2C');
}

function parseAttributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part[0]!, part.slice(2));
  }
  return out;
}

export class ScramError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScramError';
  }
}

function saltedPassword(hash: ScramHash, password: string, salt: Buffer, iterations: number, cache?: SaltedPasswordCache): Promise<Buffer> {
  const key = `${hash}:${salt.toString('base64')}:${iterations}`;
  const hit = cache?.get(key);
  if (hit) return Promise.resolve(hit);
  return new Promise((resolve, reject) =>
    pbkdf2(saslprep(password), salt, iterations, HASH_LEN[hash], hash, (err, derived) => {
      if (err) return reject(err);
      cache?.set(key, derived);
      resolve(derived);
    }),
  );
}

const hmac = (hash: ScramHash, key: Buffer, data: string) => createHmac(hash, key).update(data).digest();
const digest = (hash: ScramHash, data: Buffer) => createHash(hash).update(data).digest();

export interface ScramSession {
  /** client-first-message, to send in <auth>. */
  clientFirst(): string;
  /** client-final-message, computed from the server's challenge. */
  clientFinal(serverFirst: string): Promise<string>;
  /** Check the server's signature (mutual authentication): a server that does not know the password fails here. */
  verifyServerFinal(serverFinal: string): void;
}

export function createScramSession(
  hash: ScramHash,
  username: string,
  password: string,
  nonce = randomBytes(18).toString('base64'),
  cache?: SaltedPasswordCache,
): ScramSession {
  // No channel binding yet ('n,,'); -PLUS variants can add 'p=tls-exporter' later.
  const gs2Header = 'n,,';
  const clientFirstBare = `n=${escapeUsername(username)},r=${nonce}`;
  let expectedServerSignature: Buffer | undefined;

  return {
    clientFirst: () => gs2Header + clientFirstBare,

    async clientFinal(serverFirst) {
      const attrs = parseAttributes(serverFirst);
      const r = attrs.get('r');
      const s = attrs.get('s');
      const i = Number(attrs.get('i'));
      if (!r || !s || !Number.isInteger(i) || i < 1) throw new ScramError('malformed server-first-message');
      // RFC 5802 §5.1: the server nonce must start with the client's nonce.
      if (!r.startsWith(nonce) || r.length === nonce.length) throw new ScramError('server nonce does not extend ours');
      if (i > 1_000_000) throw new ScramError('iteration count unreasonably high');
      const salted = await saltedPassword(hash, password, Buffer.from(s, 'base64'), i, cache);
      const clientKey = hmac(hash, salted, 'Client Key');
      const storedKey = digest(hash, clientKey);
      const finalWithoutProof = `c=${Buffer.from(gs2Header).toString('base64')},r=${r}`;
      const authMessage = `${clientFirstBare},${serverFirst},${finalWithoutProof}`;
      const clientSignature = hmac(hash, storedKey, authMessage);
      const proof = Buffer.alloc(clientKey.length);
      for (let k = 0; k < proof.length; k++) proof[k] = clientKey[k]! ^ clientSignature[k]!;
      const serverKey = hmac(hash, salted, 'Server Key');
      expectedServerSignature = hmac(hash, serverKey, authMessage);
      return `${finalWithoutProof},p=${proof.toString('base64')}`;
    },

    verifyServerFinal(serverFinal) {
      const attrs = parseAttributes(serverFinal);
      const e = attrs.get('e');
      if (e) throw new ScramError(`server error: ${e}`);
      const v = attrs.get('v');
      if (!v || !expectedServerSignature) throw new ScramError('server signature missing');
      const got = Buffer.from(v, 'base64');
      if (got.length !== expectedServerSignature.length || !timingSafeEqual(got, expectedServerSignature)) {
        throw new ScramError('server signature does not match: the server does not know the password');
      }
    },
  };
}
