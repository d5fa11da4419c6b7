// Secrets in CLEAR TEXT in a JSON file in the profile (ARCHITECTURE.md "Secrets"). Only ever used when the
// user explicitly said yes to it after being told no keychain is available (or a test forces it):
// anyone who can read the user's files can read these passwords. The file is 0600 and written
// atomically, which limits the damage but does not make it safe.
import type { SecretStore } from './secret-store.js';
import { createMapFile } from './json-file.js';

export function createPlainFileStore(file: string): SecretStore {
  const map = createMapFile(file);
  return {
    backend: 'plain-file',
    async get(key) {
      return (await map.read())[key];
    },
    set(key, value) {
      return map.update((m) => {
        m[key] = value;
      });
    },
    delete(key) {
      return map.update((m) => {
        delete m[key];
      });
    },
  };
}
