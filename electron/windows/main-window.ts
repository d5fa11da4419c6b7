// The one Vireo window (ARCHITECTURE.md "Security of the shell"). Electron is injected, never imported at
// run time, so the whole policy is unit-tested with fakes. Follows Electron's security checklist
// (https://www.electronjs.org/docs/latest/tutorial/security) and Signal-Desktop's link handling
// (app/main.main.ts, handleCommonWindowEvents): every navigation is cancelled, and a vetted link
// goes to the OS instead of into the window.
import type { BrowserWindow, BrowserWindowConstructorOptions, Session, Shell } from 'electron';
import { createLogger } from '../lib/log.js';
import { isSameDocument, toSafeExternalUrl } from './link-policy.js';
import { hardenSession } from './session-policy.js';

export { isSafeExternalUrl, toSafeExternalUrl } from './link-policy.js';
export { CONTENT_SECURITY_POLICY, ALLOWED_PERMISSIONS } from './session-policy.js';

const log = createLogger('window');

export interface MainWindowDeps {
  BrowserWindow: typeof BrowserWindow;
  shell: Pick<Shell, 'openExternal'>;
  session: Session;
  preloadPath: string;
  /** The renderer document on Vireo's own scheme, APP_INDEX_URL (app-protocol.ts), never file://. */
  indexUrl: string;
  /**
   * DevTools in this window: `!app.isPackaged`, so a packaged Vireo has none (a page that got in could
   * otherwise be inspected and driven from them; Electron security checklist).
   */
  devTools: boolean;
  /**
   * Where xmpp: links go. Defaults to the OS handler (which may be Vireo itself, through
   * 'second-instance' / 'open-url'); electron/os/ can route them in-app instead.
   */
  openXmppUri?: (uri: string) => void;
  /** Asks the operating system for the camera where it keeps its own list (macOS). */
  askCamera?: () => Promise<boolean>;
}

export function mainWindowOptions(deps: Pick<MainWindowDeps, 'session' | 'preloadPath' | 'devTools'>): BrowserWindowConstructorOptions {
  return {
    width: 1100,
    height: 740,
    minWidth: 640,
    minHeight: 480,
    title: 'Vireo',
    // Shown on 'ready-to-show' so the first paint is the app, not an empty white frame.
    show: false,
    webPreferences: {
      session: deps.session,
      preload: deps.preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
      devTools: deps.devTools,
    },
  };
}

export function createMainWindow(deps: MainWindowDeps): BrowserWindow {
  hardenSession(deps.session, deps.indexUrl, deps.askCamera);
  const win = new deps.BrowserWindow(mainWindowOptions(deps));
  const contents = win.webContents;

  const openOutside = (raw: string): void => {
    const url = toSafeExternalUrl(raw);
    if (url === undefined) {
      log.warn('refused to open a link that is not http, https or xmpp (or fails the checks)');
      return;
    }
    if (url.startsWith('xmpp:') && deps.openXmppUri) {
      deps.openXmppUri(url);
      return;
    }
    deps.shell.openExternal(url).catch((err: unknown) => log.warn('could not open a link', err));
  };

  // A click on a plain <a href> navigates the window: cancel it; a vetted link opens outside.
  // Reloading our own document (same file, maybe another #route) is the one navigation allowed.
  contents.on('will-navigate', (event) => {
    if (isSameDocument(event.url, deps.indexUrl)) return;
    event.preventDefault();
    openOutside(event.url);
  });
  // Server-side redirects are never followed anywhere else (nor opened: the user did not ask).
  contents.on('will-redirect', (event) => {
    if (!isSameDocument(event.url, deps.indexUrl)) event.preventDefault();
  });
  // window.open and target="_blank": never a new Electron window; a vetted link opens outside.
  // This replaces the app-wide deny-all handler from web-contents-guard.ts for this window.
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });

  win.once('ready-to-show', () => win.show());
  contents.loadURL(deps.indexUrl).catch((err: unknown) => log.error('could not load the renderer', err));
  return win;
}
