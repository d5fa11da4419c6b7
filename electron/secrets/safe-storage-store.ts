// Secrets encrypted with Electron's safeStorage (ARCHITECTURE.md "Secrets"), kept in a JSON map
// key → base64(ciphertext) in the profile. safeStorage is injected rather than imported so this file
// runs (and is tested) under plain Node; main.ts passes the real `electron.safeStorage`.
import type { SecretStore } from './secret-store.js';
import { createMapFile } from './json-file.js';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  /** Linux only in Electron. 'basic_text' means a key hard-coded in Chromium: obfuscation, not
   *  protection, so it must not count as a safe place for a password. */
  getSelectedStorageBackend?(): string;
}

/** Whether safeStorage really protects data here; `reason` is plain words for the user. */
export function safeStorageUsable(ss: SafeStorageLike): { usable: boolean; reason?: string } {
  if (process.platform === 'linux' && typeof ss.getSelectedStorageBackend === 'function') {
    const b = ss.getSelectedStorageBackend();
    if (b === 'basic_text') {
      return { usable: false, reason: 'System encryption is not available: no password manager was found on this desktop' };
    }
    if (b === 'unknown') {
      return { usable: false, reason: 'System encryption is not ready yet (asked before the app finished starting)' };
    }
  }
  if (!ss.isEncryptionAvailable()) return { usable: false, reason: 'System encryption is not available on this computer' };
  return { usable: true };
}

export function createSafeStorageStore(file: string, safeStorage: SafeStorageLike): SecretStore {
  const check = safeStorageUsable(safeStorage);
  if (!check.usable) throw new Error(`${check.reason}, so Vireo cannot store secrets encrypted`);
  const map = createMapFile(file);
  return {
    backend: 'safe-storage',
    async get(key) {
      const b64 = (await map.read())[key];
      if (b64 === undefined) return undefined;
      try {
        return safeStorage.decryptString(Buffer.from(b64, 'base64'));
      } catch (err) {
        // Typically the OS key changed (other user account, reinstalled system, keyring reset).
        throw new Error('A saved secret could not be decrypted (the system encryption key has changed); please enter it again', {
          cause: err,
        });
      }
    },
    async set(key, value) {
      // Encrypt before queueing so an encryption failure is reported and nothing is written.
      const b64 = safeStorage.encryptString(value).toString('base64');
      await map.update((m) => {
        m[key] = b64;
      });
    },
    delete(key) {
      return map.update((m) => {
        delete m[key];
      });
    },
  };
}
