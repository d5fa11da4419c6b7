// The window's security policy, checked with fakes (CONTRIBUTING.md: the Electron runtime is not here,
// and `require('electron')` throws under Node — so only types come from 'electron').
import type { BrowserWindow, BrowserWindowConstructorOptions, Session } from 'electron';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ALLOWED_PERMISSIONS, CONTENT_SECURITY_POLICY, createMainWindow, isSafeExternalUrl, type MainWindowDeps } from './main-window.js';
import { APP_INDEX_URL } from './app-protocol.js';
import { makeSenderCheck } from '../ipc/electron-bridge.js';

const INDEX_URL = APP_INDEX_URL;
/** The same built file reached through file://: not our document any more. */
const FILE_URL = 'file:///opt/Vireo/resources/app.asar/dist/renderer/index.html';
type Fn = (...args: any[]) => any;

class FakeWebContents {
  readonly listeners = new Map<string, Fn[]>();
  windowOpenHandler: Fn | undefined;
  loaded: string[] = [];
  url = INDEX_URL;
  on(name: string, fn: Fn) {
    this.listeners.set(name, [...(this.listeners.get(name) ?? []), fn]);
    return this;
  }
  setWindowOpenHandler(fn: Fn) {
    this.windowOpenHandler = fn;
  }
  loadURL(url: string) {
    this.loaded.push(url);
    return Promise.resolve();
  }
  getURL() {
    return this.url;
  }
  /** Emits like Electron ≥ 25: an event object carrying `url`, plus the deprecated positional url. */
  navigate(name: 'will-navigate' | 'will-redirect', url: string): { prevented: boolean } {
    const result = { prevented: false };
    const event = {
      url,
      preventDefault: () => {
        result.prevented = true;
      },
    };
    for (const fn of this.listeners.get(name) ?? []) fn(event, url);
    return result;
  }
}

class FakeBrowserWindow {
  static last: FakeBrowserWindow | undefined;
  readonly webContents = new FakeWebContents();
  shown = false;
  readonly once = vi.fn((name: string, fn: Fn) => {
    if (name === 'ready-to-show') this.readyToShow = fn;
    return this;
  });
  readyToShow: Fn | undefined;
  constructor(readonly options: BrowserWindowConstructorOptions) {
    FakeBrowserWindow.last = this;
  }
  show() {
    this.shown = true;
  }
}

function fakeSession() {
  const s = {
    headersListener: undefined as Fn | undefined,
    requestHandler: undefined as Fn | undefined,
    checkHandler: undefined as Fn | undefined,
    webRequest: {
      onHeadersReceived: (fn: Fn) => {
        s.headersListener = fn;
      },
    },
    setPermissionRequestHandler: (fn: Fn) => {
      s.requestHandler = fn;
    },
    setPermissionCheckHandler: (fn: Fn) => {
      s.checkHandler = fn;
    },
  };
  return s;
}

function open(extra: Partial<MainWindowDeps> = {}) {
  const session = fakeSession();
  const openExternal = vi.fn((_url: string) => Promise.resolve());
  const win = createMainWindow({
    BrowserWindow: FakeBrowserWindow as unknown as typeof BrowserWindow,
    shell: { openExternal },
    session: session as unknown as Session,
    preloadPath: '/opt/Vireo/resources/app.asar/dist/electron/preload.cjs',
    indexUrl: INDEX_URL,
    devTools: false,
    ...extra,
  }) as unknown as FakeBrowserWindow;
  return { win, contents: win.webContents, session, openExternal };
}

beforeEach(() => {
  // The window logs refused links as warnings; keep the test output clean.
  vi.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => vi.restoreAllMocks());

describe('createMainWindow', () => {
  it('creates a sandboxed, isolated window without Node and loads the renderer', () => {
    const { win, contents } = open();
    const prefs = win.options.webPreferences!;
    expect(prefs.sandbox).toBe(true);
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.spellcheck).toBe(true);
    expect(prefs.preload).toBe('/opt/Vireo/resources/app.asar/dist/electron/preload.cjs');
    expect(contents.loaded).toEqual(['vireo://app/index.html']);
    expect(win.shown).toBe(false);
    win.readyToShow?.();
    expect(win.shown).toBe(true);
  });

  it('has DevTools only when not packaged', () => {
    expect(open({ devTools: false }).win.options.webPreferences!.devTools).toBe(false);
    expect(open({ devTools: true }).win.options.webPreferences!.devTools).toBe(true);
  });

  it('treats the renderer on vireo: as its own document, and the same file on file:// as a stranger', () => {
    const { contents, session } = open();
    expect(contents.navigate('will-navigate', 'vireo://APP/index.html#/chats').prevented).toBe(false);
    expect(contents.navigate('will-navigate', FILE_URL).prevented).toBe(true);
    expect(contents.navigate('will-navigate', 'vireo://app/other.html').prevented).toBe(true);
    expect(contents.navigate('will-navigate', 'vireo://other/index.html').prevented).toBe(true);
    expect(contents.navigate('will-redirect', FILE_URL).prevented).toBe(true);
    let granted: boolean | undefined;
    session.requestHandler!(
      { getURL: () => FILE_URL },
      'notifications',
      (ok: boolean) => {
        granted = ok;
      },
      { requestingUrl: FILE_URL, isMainFrame: true },
    );
    expect(granted).toBe(false);
    // The IPC sender check (ipc/electron-bridge.ts) is built from the same URL.
    const trusted = makeSenderCheck(INDEX_URL);
    const frame = (url: string) => {
      const f = { url, parent: null, top: null as unknown };
      f.top = f;
      return f as never;
    };
    expect(trusted(frame('vireo://app/index.html#/settings'))).toBe(true);
    expect(trusted(frame(FILE_URL))).toBe(false);
  });

  it('cancels navigation to any other document and opens only vetted links outside', () => {
    const { contents, openExternal } = open();
    expect(contents.navigate('will-navigate', 'https://evil.example/phish').prevented).toBe(true);
    expect(openExternal).toHaveBeenCalledWith('https://evil.example/phish');

    openExternal.mockClear();
    expect(contents.navigate('will-navigate', 'file:///etc/passwd').prevented).toBe(true);
    expect(contents.navigate('will-navigate', 'javascript:alert(1)').prevented).toBe(true);
    expect(openExternal).not.toHaveBeenCalled();

    // Our own document (another in-app route) may reload.
    expect(contents.navigate('will-navigate', `${INDEX_URL}#/settings`).prevented).toBe(false);
    expect(contents.navigate('will-navigate', 'file:///opt/Vireo/other.html').prevented).toBe(true);
  });

  it('cancels redirects away from the renderer without opening anything', () => {
    const { contents, openExternal } = open();
    expect(contents.navigate('will-redirect', 'https://elsewhere.example/').prevented).toBe(true);
    expect(contents.navigate('will-redirect', INDEX_URL).prevented).toBe(false);
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('never opens a new window; window.open of a safe link goes to the OS', () => {
    const { contents, openExternal } = open();
    const handler = contents.windowOpenHandler!;
    expect(handler({ url: 'https://xmpp.org/extensions/' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'data:text/html,<script>alert(1)</script>' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'file:///C:/Windows/System32/calc.exe' })).toEqual({ action: 'deny' });
    expect(handler({ url: 'ms-msdt:/id PCWDiagnostic' })).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://xmpp.org/extensions/']]);
  });

  it('sends xmpp: links to the in-app handler when one is given', () => {
    const openXmppUri = vi.fn();
    const { contents, openExternal } = open({ openXmppUri });
    contents.windowOpenHandler!({ url: 'xmpp:room@conference.example.org?join' });
    expect(openXmppUri).toHaveBeenCalledWith('xmpp:room@conference.example.org?join');
    expect(openExternal).not.toHaveBeenCalled();
  });

  it('refuses every permission except notifications and the camera without sound, and those only for the renderer', () => {
    const { session } = open();
    const request = (permission: string, requestingUrl = INDEX_URL, extra: object = {}) => {
      let granted: boolean | undefined;
      session.requestHandler!(
        { getURL: () => INDEX_URL },
        permission,
        (ok: boolean) => {
          granted = ok;
        },
        { requestingUrl, isMainFrame: true, ...extra },
      );
      return granted;
    };
    expect(request('notifications')).toBe(true);
    for (const p of ['geolocation', 'clipboard-read', 'openExternal', 'fullscreen', 'display-capture', 'unknown']) {
      expect(request(p), p).toBe(false);
    }
    expect(request('notifications', 'https://evil.example/')).toBe(false);
    // The camera for scanning a QR code: video only; never the microphone, never for another page.
    expect(request('media', INDEX_URL, { mediaTypes: ['video'] })).toBe(true);
    expect(request('media', INDEX_URL, { mediaTypes: ['audio'] })).toBe(false);
    expect(request('media', INDEX_URL, { mediaTypes: ['video', 'audio'] })).toBe(false);
    expect(request('media', INDEX_URL, { mediaTypes: [] })).toBe(false);
    expect(request('media')).toBe(false);
    expect(request('media', 'https://evil.example/', { mediaTypes: ['video'] })).toBe(false);

    const check = (permission: string, extra: object = {}) =>
      session.checkHandler!({ getURL: () => INDEX_URL }, permission, 'vireo://app', {
        requestingUrl: INDEX_URL,
        isMainFrame: true,
        ...extra,
      });
    expect(check('notifications')).toBe(true);
    expect(check('media', { mediaType: 'video' })).toBe(true);
    expect(check('media', { mediaType: 'audio' })).toBe(false);
    expect(check('media')).toBe(false);
    expect(check('hid')).toBe(false);
    expect([...ALLOWED_PERMISSIONS].sort()).toEqual(['media', 'notifications']);
  });

  it('asks the operating system before granting the camera when it keeps its own list (macOS)', async () => {
    const answers: boolean[] = [];
    for (const os of [true, false]) {
      const { session } = open({ askCamera: async () => os });
      answers.push(
        await new Promise<boolean>((resolve) =>
          session.requestHandler!({ getURL: () => INDEX_URL }, 'media', resolve, {
            requestingUrl: INDEX_URL,
            isMainFrame: true,
            mediaTypes: ['video'],
          }),
        ),
      );
    }
    expect(answers).toEqual([true, false]);
  });

  it('puts the CSP on responses, replacing any policy the response carried', () => {
    const { session } = open();
    let answer: { responseHeaders?: Record<string, string[]> } = {};
    session.headersListener!(
      { url: INDEX_URL, responseHeaders: { 'content-security-policy': ['default-src *'], 'Content-Type': ['text/html'] } },
      (a: typeof answer) => {
        answer = a;
      },
    );
    expect(answer.responseHeaders).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});

describe('CONTENT_SECURITY_POLICY', () => {
  it('denies by default and allows only what the renderer needs', () => {
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/u);
        return [name, values.join(' ')] as const;
      }),
    );
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'self'");
    expect(directives.get('img-src')).toBe("'self' data: blob:");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-(inline|eval)/u);
  });
});

describe('isSafeExternalUrl', () => {
  it.each([
    ['https://xmpp.org/extensions/xep-0384.html', true],
    ['http://example.org/', true],
    ['https://example.org/a?b=c#d', true],
    ['https://[2001:db8::1]:8443/', true],
    ['xmpp:romeo@montague.net', true],
    ['xmpp:coven@chat.shakespeare.lit?join', true],
    ['HTTPS://EXAMPLE.ORG/', true],
    ['javascript:alert(1)', false],
    ['JaVaScRiPt:alert(1)', false],
    ['file:///etc/passwd', false],
    ['file://server/share/run.exe', false],
    ['data:text/html;base64,PHNjcmlwdD4=', false],
    ['blob:https://example.org/uuid', false],
    ['vbscript:msgbox(1)', false],
    ['ms-msdt:/id PCWDiagnostic', false],
    ['smb://attacker.example/share', false],
    ['vireo-internal://x', false],
    ['vireo://app/index.html', false],
    ['mailto:someone@example.org', false],
    ['ftp://example.org/', false],
    ['https://user:pass@example.org/', false],
    ['https://bank.example@evil.example/', false],
    ['xmpp://guest@example.com/support@example.com?message', false],
    ['xmpp:', false],
    ['https://', false],
    ['//example.org/', false],
    ['example.org', false],
    ['', false],
    [' https://example.org/', false],
    ['https://exa\tmple.org/', false],
    ['https://example.org/\nSet-Cookie:x', false],
    ['https://example.org/\u0000', false],
    [`https://example.org/${'a'.repeat(2048)}`, false],
  ])('%s → %s', (url, expected) => {
    expect(isSafeExternalUrl(url)).toBe(expected);
  });

  it('accepts a link right at the length limit', () => {
    const base = 'https://example.org/';
    expect(isSafeExternalUrl(base + 'a'.repeat(2048 - base.length))).toBe(true);
  });
});
