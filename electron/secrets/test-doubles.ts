// Test doubles for the secret backends (used only by tests). The safeStorage double really encrypts
// (AES-256-GCM, random key per instance) so a test can prove the file on disk holds no clear text;
// an identity function would let a "stored in clear" bug pass.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SafeStorageLike } from './safe-storage-store.js';
import type { KeytarLike } from './keytar-store.js';

export function fakeSafeStorage(opts: { available?: boolean; backend?: string; key?: Buffer } = {}): SafeStorageLike & { key: Buffer } {
  const key = opts.key ?? randomBytes(32);
  return {
    key,
    isEncryptionAvailable: () => opts.available ?? true,
    ...(opts.backend ? { getSelectedStorageBackend: () => opts.backend! } : {}),
    encryptString(s) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([c.update(s, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), body]);
    },
    decryptString(b) {
      const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12));
      d.setAuthTag(b.subarray(12, 28));
      return Buffer.concat([d.update(b.subarray(28)), d.final()]).toString('utf8');
    },
  };
}

/** A keytar whose every call hangs forever, like keytar against a locked keyring. */
export function hangingKeytar(): KeytarLike {
  const never = () => new Promise<never>(() => {});
  return { getPassword: never, setPassword: never, deletePassword: never };
}

/** A working in-memory keytar, keyed by service and account like the real one. */
export function memoryKeytar(): KeytarLike & { entries: Map<string, string> } {
  const entries = new Map<string, string>();
  const k = (s: string, a: string) => `${s}\u0000${a}`;
  return {
    entries,
    async getPassword(s, a) {
      return entries.get(k(s, a)) ?? null;
    },
    async setPassword(s, a, p) {
      entries.set(k(s, a), p);
    },
    async deletePassword(s, a) {
      return entries.delete(k(s, a));
    },
  };
}

/** A working keytar whose calls all wait until release() — a keyring that is locked, then unlocked. */
export function gatedKeytar(): KeytarLike & { release(): void; calls: number } {
  const inner = memoryKeytar();
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const self = {
    calls: 0,
    release: () => open(),
    getPassword: (s: string, a: string) => (self.calls++, gate.then(() => inner.getPassword(s, a))),
    setPassword: (s: string, a: string, p: string) => (self.calls++, gate.then(() => inner.setPassword(s, a, p))),
    deletePassword: (s: string, a: string) => (self.calls++, gate.then(() => inner.deletePassword(s, a))),
  };
  return self;
}
