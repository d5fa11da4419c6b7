// The app's own commands: what runs (version, host, where secrets can live) and where its log file is.
import { createRequire } from 'node:module';
import { ok } from '../../shared/errors.js';
import type { Handlers } from '../ipc/handlers.js';
import type { ChosenSecretStore } from '../secrets/choose.js';
import { logFolderView } from '../lib/log-file.js';

function appVersion(): string {
  try {
    return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export function appHandlers(opts: { profileDir: string; secrets: ChosenSecretStore; host: 'electron' | 'browser-host' }) {
  const version = appVersion();
  return {
    'app:info': async () => {
      const { best, keychainAvailable, note } = opts.secrets;
      return ok({ version, host: opts.host, secrets: { best, keychainAvailable, ...(note ? { note } : {}) } });
    },
    // Electron's main replaces it with one that opens the folder (os/log-folder.ts).
    'app:open-log-folder': async () => ok(logFolderView(opts.profileDir)),
  } satisfies Pick<Handlers, 'app:info' | 'app:open-log-folder'>;
}
