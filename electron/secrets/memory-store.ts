// Nothing persisted: the user chose "don't remember my password" (or no safe place exists and they
// prefer typing it at each start). Secrets live only as long as this process.
import type { SecretStore } from './secret-store.js';

export function createMemoryStore(): SecretStore {
  const map = new Map<string, string>();
  return {
    backend: 'memory',
    async get(key) {
      return map.get(key);
    },
    async set(key, value) {
      map.set(key, value);
    },
    async delete(key) {
      map.delete(key);
    },
  };
}
