// Where secrets live (ARCHITECTURE.md "Secrets"). The account password (later a FAST token) and key
// material go through this interface; nothing secret is written in clear without an explicit choice.
import type { SecretBackend } from '../../shared/views.js';

export interface SecretStore {
  readonly backend: SecretBackend;
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
}
