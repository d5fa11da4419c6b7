// `npm run start:web`: Vireo's core in plain Node with the renderer in your browser (CONTRIBUTING.md
// "browser host"). The profile is kept in $VIREO_PROFILE or the XDG data directory.
import os from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createAppCore } from '../core/app-core.js';
import { createIpcRouter } from '../ipc/router.js';
import { chooseSecretStore } from '../secrets/choose.js';
import { startBrowserHost } from './server.js';
import { installLastResort } from '../core/session/last-resort.js';
import { createLogger, startFileLog } from '../lib/log.js';
import type { SecretBackend } from '../../shared/views.js';

const BACKENDS: SecretBackend[] = ['keychain', 'safe-storage', 'plain-file', 'memory'];

export async function runBrowserHost(opts: { profileDir?: string; port?: number; secretBackend?: SecretBackend; fileLog?: boolean } = {}) {
  const profileDir =
    opts.profileDir ??
    process.env.VIREO_PROFILE ??
    path.join(process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'vireo-web');
  // <profile>/logs/vireo.log (lib/log-file.ts); `npm run start:web` asks for it, tests do not.
  if (opts.fileLog) startFileLog(profileDir);
  const rendererDir = fileURLToPath(new URL('../../dist/renderer', import.meta.url));
  if (!existsSync(path.join(rendererDir, 'index.html'))) {
    throw new Error('The renderer is not built yet: run `npm run build:renderer` (npm run start:web does it for you).');
  }
  const forced = opts.secretBackend ?? (process.env.VIREO_SECRET_BACKEND as SecretBackend | undefined);
  if (forced && !BACKENDS.includes(forced)) throw new Error(`VIREO_SECRET_BACKEND must be one of ${BACKENDS.join(', ')}`);
  const secrets = await chooseSecretStore({ profileDir, ...(forced ? { forced } : {}) });
  const core = await createAppCore({ profileDir, secrets, host: 'browser-host' });
  const host = await startBrowserHost({
    router: createIpcRouter(core.handlers),
    events: core.events,
    rendererDir,
    port: opts.port ?? Number(process.env.VIREO_PORT ?? 0),
  });
  await core.start();
  const stop = async () => {
    await host.close();
    await core.stop();
  };
  return { url: host.url, profileDir, secrets, core, stop };
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1]);
if (isMain) {
  // A bug must be reported, not take every open chat down with it (Electron's main process does
  // the same by default), and goes to the log file too.
  const log = createLogger('host-web');
  process.on('unhandledRejection', (reason) => log.error('unexpected error (please report it)', reason));
  // The same for an uncaught exception: logged, its connection closed, the host kept.
  let running: Awaited<ReturnType<typeof runBrowserHost>> | undefined;
  installLastResort({ log, dropCurrent: () => running?.core.connections.dropCurrent() });
  runBrowserHost({ fileLog: true })
    .then((host) => {
      running = host;
      const { url, profileDir, secrets, stop } = host;
      console.log(
        `Vireo is running. Open this address in your browser (it contains a key made for this run: keep it private):\n\n  ${url}\n`,
      );
      console.log(`Profile: ${profileDir}`);
      if (secrets.note) console.log(`Note: ${secrets.note}`);
      // Bounded, as in Electron's main (STOP_TIMEOUT_MS): a keychain that never answers must not keep
      // Ctrl+C from ending the program.
      const shutdown = () => void Promise.race([stop(), new Promise((r) => setTimeout(r, 5_000).unref())]).finally(() => process.exit(0));
      process.on('SIGINT', shutdown);
      process.on('SIGTERM', shutdown);
    })
    .catch((err: Error) => {
      console.error(`Vireo could not start: ${err.message}`);
      process.exit(1);
    });
}
