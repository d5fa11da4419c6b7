// Picks where secrets live at start-up (ARCHITECTURE.md "Secrets"): the OS keychain if it answers, else
// Electron safeStorage if it really encrypts, else nothing — the user must then choose between a
// clear-text file and typing the password each time; we never fall back to clear text silently.
import { join } from 'node:path';
import type { SecretBackend } from '../../shared/views.js';
import type { SecretStore } from './secret-store.js';
import { createKeytarStore, probeKeychain, type KeytarOptions } from './keytar-store.js';
import { createSafeStorageStore, safeStorageUsable, type SafeStorageLike } from './safe-storage-store.js';
import { createPlainFileStore } from './plain-file-store.js';
import { createMemoryStore } from './memory-store.js';

export const SAFE_STORAGE_FILE = 'secrets.enc.json';
export const PLAIN_FILE = 'secrets.plain.json';

export const NO_SAFE_PLACE_NOTE =
  'No keychain is available on this computer, so Vireo cannot keep your password safely. ' +
  'You can let Vireo store it in a file in your profile, readable by anyone with access to your files, ' +
  'or type it at each start.';

export interface ChooseOptions {
  profileDir: string;
  safeStorage?: SafeStorageLike;
  /** An explicit choice (the user's, or VIREO_SECRET_BACKEND read by the caller): used as is. */
  forced?: SecretBackend;
  keytar?: KeytarOptions;
}

export interface ChosenSecretStore {
  /** undefined: no safe place; the UI must ask the user (then call createFallbackStore). */
  store: SecretStore | undefined;
  best: SecretBackend;
  keychainAvailable: boolean;
  note?: string;
}

/** The stores the user can fall back to when nothing safe exists. */
export function createFallbackStore(kind: 'plain-file' | 'memory', profileDir: string): SecretStore {
  return kind === 'plain-file' ? createPlainFileStore(join(profileDir, PLAIN_FILE)) : createMemoryStore();
}

export async function chooseSecretStore(opts: ChooseOptions): Promise<ChosenSecretStore> {
  const { profileDir, safeStorage, forced } = opts;

  if (forced) {
    // Still report whether a keychain exists when it was the choice, so the UI is truthful; the other
    // forced backends skip the probe, which keeps tests that force them fast and D-Bus free.
    switch (forced) {
      case 'keychain': {
        const probe = await probeKeychain(opts.keytar);
        return {
          store: createKeytarStore(opts.keytar),
          best: 'keychain',
          keychainAvailable: probe.available,
          ...(probe.reason ? { note: probe.reason } : {}),
        };
      }
      case 'safe-storage': {
        if (!safeStorage) throw new Error('The safe-storage backend was requested but Electron safeStorage was not provided');
        return {
          store: createSafeStorageStore(join(profileDir, SAFE_STORAGE_FILE), safeStorage),
          best: 'safe-storage',
          keychainAvailable: false,
        };
      }
      case 'plain-file':
      case 'memory':
        return { store: createFallbackStore(forced, profileDir), best: forced, keychainAvailable: false };
    }
  }

  const probe = await probeKeychain(opts.keytar);
  if (probe.available) return { store: createKeytarStore(opts.keytar), best: 'keychain', keychainAvailable: true };

  if (safeStorage && safeStorageUsable(safeStorage).usable) {
    return {
      store: createSafeStorageStore(join(profileDir, SAFE_STORAGE_FILE), safeStorage),
      best: 'safe-storage',
      keychainAvailable: false,
    };
  }

  return { store: undefined, best: 'memory', keychainAvailable: false, note: NO_SAFE_PLACE_NOTE };
}
