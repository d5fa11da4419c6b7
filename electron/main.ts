// Composition root of the desktop app (ARCHITECTURE.md "Process model", "Security of the shell"). Thin on
// purpose: policy lives in windows/, os/ and ipc/ (unit-tested with fakes); services live in core/.
// Bundled to dist/electron/main.cjs by build/scripts/build-electron.mjs, so `__dirname` is dist/electron.
import {
  app,
  BrowserWindow,
  ipcMain,
  Menu,
  Notification,
  powerMonitor,
  protocol,
  safeStorage,
  session,
  shell,
  systemPreferences,
} from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { createAppCore } from './core/app-core.js';
import { createLogger, startFileLog } from './lib/log.js';
import { installLastResort } from './core/session/last-resort.js';
import { parseProxyRules, proxyEnvSet, proxyFromEnv } from './xmpp/proxy.js';
import { bindIpc, makeSenderCheck } from './ipc/electron-bridge.js';
import { createIpcRouter } from './ipc/router.js';
import { appMenuTemplate } from './os/app-menu.js';
import { openLogFolder } from './os/log-folder.js';
import { portableDataDir } from './os/portable.js';
import { showNotifications } from './os/notifications.js';
import { chooseSecretStore } from './secrets/choose.js';
import { APP_INDEX_URL, registerAppScheme, serveAppScheme } from './windows/app-protocol.js';
import { createMainWindow } from './windows/main-window.js';
import { guardWebContents } from './windows/web-contents-guard.js';

const log = createLogger('main');
type Core = Awaited<ReturnType<typeof createAppCore>>;
const SECRET_BACKENDS = ['keychain', 'safe-storage', 'plain-file', 'memory'] as const;
/** A hung keychain or server must not keep a quitting app alive forever (CONTRIBUTING.md: keytar hangs). */
const STOP_TIMEOUT_MS = 5_000;

// Every renderer sandboxed, before 'ready' (element-desktop does the same, once, first thing).
app.enableSandbox();
// The renderer's own scheme must be privileged before 'ready' (Electron refuses it later).
registerAppScheme(protocol);

// A bug in one task is reported, not allowed to take every open chat down with it (the browser host
// does the same, host-web/cli.ts; libsignal's own listener that aborted instead is removed in
// omemo/process-handlers.ts).
process.on('unhandledRejection', (reason) => log.error('unexpected error (please report it)', reason));

// The profile folder is fixed before anything reads it: Chromium's single-instance lock lives in
// userData, and so does everything Vireo stores. Named explicitly, so `electron .`, a file path
// and the packaged app all share one profile.
const userData =
  portableDataDir({ env: process.env, execPath: process.execPath, exists: existsSync }) ?? path.join(app.getPath('appData'), 'Vireo');
app.setPath('userData', userData);
app.setPath('sessionData', userData);

if (!app.requestSingleInstanceLock()) {
  // Another Vireo owns this profile; it gets 'second-instance' and shows its window.
  app.quit();
} else {
  run();
}

function forcedSecretBackend(value: string | undefined): (typeof SECRET_BACKENDS)[number] | undefined {
  if (value === undefined || value === '') return undefined;
  const known = SECRET_BACKENDS.find((b) => b === value);
  if (!known) log.warn(`VIREO_SECRET_BACKEND=${value} is not one of ${SECRET_BACKENDS.join(', ')}; ignored`);
  return known;
}

function run(): void {
  // The log file a user can attach to a report (lib/log-file.ts), started once this process owns the profile.
  try {
    startFileLog(userData);
  } catch (err) {
    log.warn('no log file in the profile', err);
  }
  const showLogFolder = () => openLogFolder({ shell, profileDir: userData, log });
  let core: Core | undefined;
  let mainWindow: BrowserWindow | undefined;
  let started = false;
  let stopped = false;
  // vireo://app/index.html, served from dist/renderer only (windows/app-protocol.ts), not file://.
  const indexUrl = APP_INDEX_URL;
  const rendererDir = path.join(__dirname, '..', 'renderer');
  const preloadPath = path.join(__dirname, 'preload.cjs');
  // An uncaught exception is logged and closes only the connection it came from (core/last-resort.ts),
  // instead of Electron's dialog and a main process in an unknown state.
  installLastResort({ log, dropCurrent: () => core?.connections.dropCurrent() });

  // No <webview>, no new windows, for every WebContents ever created.
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents));

  const showWindow = (): void => {
    if (mainWindow === undefined || mainWindow.isDestroyed()) {
      mainWindow = createMainWindow({
        BrowserWindow,
        shell,
        session: session.defaultSession,
        preloadPath,
        indexUrl,
        devTools: !app.isPackaged,
        // macOS keeps its own list of apps allowed to use the camera (scanning a QR code); it asks once.
        ...(process.platform === 'darwin' ? { askCamera: () => systemPreferences.askForMediaAccess('camera') } : {}),
      });
      return;
    }
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.show();
    mainWindow.focus();
  };

  app.on('second-instance', () => {
    if (started) showWindow();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (started && BrowserWindow.getAllWindows().length === 0) showWindow();
  });
  // Stop the core (flush the outbox, close the database) before leaving, but never wait forever.
  const stopCore = (): Promise<void> => {
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref());
    return Promise.race([core?.stop(), timeout]).catch((err: unknown) => log.error('core.stop failed', err));
  };
  app.on('will-quit', (event) => {
    if (stopped || core === undefined) return;
    event.preventDefault();
    void stopCore().finally(() => {
      stopped = true;
      app.quit();
    });
  });

  app
    .whenReady()
    .then(async () => {
      // The window's session (the default one) serves the renderer; Vireo's menu replaces Electron's.
      serveAppScheme(session.defaultSession.protocol, rendererDir);
      Menu.setApplicationMenu(
        Menu.buildFromTemplate(
          appMenuTemplate({
            platform: process.platform,
            isPackaged: app.isPackaged,
            appName: 'Vireo',
            openLogFolder: () => void showLogFolder().catch((err: unknown) => log.warn('could not open the log folder', err)),
          }),
        ),
      );
      const profileDir = app.getPath('userData');
      // safeStorage is usable only after 'ready' (on Linux it asks the desktop's secret service).
      const secrets = await chooseSecretStore({
        profileDir,
        safeStorage,
        forced: forcedSecretBackend(process.env.VIREO_SECRET_BACKEND),
      });
      core = await createAppCore({
        profileDir,
        secrets,
        host: 'electron',
        // HTTPS_PROXY / ALL_PROXY first (what the user set for this program), else the system's proxy
        // settings as Chromium reads them (GNOME/KDE, Windows, macOS, a PAC file).
        proxyFor: async (url) =>
          proxyEnvSet() ? proxyFromEnv(new URL(url).hostname) : parseProxyRules(await session.defaultSession.resolveProxy(url)),
      });
      bindIpc({
        ipcMain,
        router: createIpcRouter({ ...core.handlers, 'app:open-log-folder': showLogFolder }),
        events: core.events,
        isTrustedSender: makeSenderCheck(indexUrl),
        getWindows: () => BrowserWindow.getAllWindows(),
      });
      // New messages the core decided to tell about; a click opens that conversation.
      const running = core;
      showNotifications({
        Notification,
        events: running.events,
        platform: process.platform,
        showWindow,
        openConversation: (id) => running.showConversation(id),
      });
      await core.start();
      // Waking from sleep or unlocking: check every connection now instead of waiting for a timeout.
      for (const ev of ['resume', 'unlock-screen'] as const) powerMonitor.on(ev as 'resume', () => core?.nudge());
      started = true;
      showWindow();
    })
    .catch((err: unknown) => {
      // Nothing to show a window with: say why on stderr, release what started, exit non-zero.
      log.error('Vireo could not start', err);
      void stopCore().finally(() => app.exit(1));
    });
}
