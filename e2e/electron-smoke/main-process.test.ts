// The desktop app's main process as it ships: the BUNDLED dist/electron/main.cjs (built by
// `npm run test:electron-smoke` before this runs), started under plain Node with the recording stand-in
// for `electron` (e2e/fixtures/electron-stand-in/), on a temporary profile. The Electron runtime cannot be
// downloaded here (CONTRIBUTING.md "The Electron runtime"); this catches what unit tests with fakes
// cannot: a bundle that does not start, a handler missing at run time, a scheme registered too late,
// a window opened with weaker settings, a quit that does not stop the core.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_NAMES } from '../../shared/contract.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = path.join(root, 'dist', 'electron', 'main.cjs');
const PRELOAD = path.join(root, 'dist', 'electron', 'preload.cjs');
const RENDERER_INDEX = path.join(root, 'dist', 'renderer', 'index.html');
const STAND_IN = path.join(root, 'e2e', 'fixtures', 'electron-stand-in', 'register.cjs');
/** main.ts's STOP_TIMEOUT_MS: a quitting app never waits longer than this for the core. */
const STOP_TIMEOUT_MS = 5_000;
const INDEX_URL = 'vireo://app/index.html';

interface Entry {
  seq: number;
  kind: string;
  at: number;
  [key: string]: unknown;
}
interface Reply {
  id: number;
  error?: string;
  [key: string]: unknown;
}

class MainProcess {
  readonly records: Entry[] = [];
  readonly output: string[] = [];
  readonly exited: Promise<{ code: number | null; at: number }>;
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, (r: Reply) => void>();
  private nextId = 1;

  constructor(
    readonly appData: string,
    packaged: boolean,
  ) {
    if (!existsSync(MAIN) || !existsSync(RENDERER_INDEX)) {
      throw new Error('dist/ is not built: run this through `npm run test:electron-smoke`, which builds the bundles first');
    }
    this.child = spawn(process.execPath, ['--require', STAND_IN, MAIN], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: {
        ...process.env,
        VIREO_STAND_IN_APPDATA: appData,
        VIREO_STAND_IN_PACKAGED: packaged ? '1' : '',
        // No keychain probe (D-Bus may be missing); what is stored is not the point here.
        VIREO_SECRET_BACKEND: 'memory',
        ELECTRON_RUN_AS_NODE: '',
      },
    });
    for (const stream of [this.child.stdout!, this.child.stderr!]) stream.on('data', (d: Buffer) => this.output.push(d.toString()));
    this.child.on('message', (m: { type: string } & Record<string, unknown>) => {
      if (m.type === 'record') this.records.push(m as unknown as Entry);
      if (m.type === 'reply') {
        const r = m as unknown as Reply;
        this.waiting.get(r.id)?.(r);
        this.waiting.delete(r.id);
      }
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code) => resolve({ code, at: Date.now() })));
  }

  /** The first record of that kind, waiting for it up to `ms`. */
  async waitFor(kind: string, ms = 30_000): Promise<Entry> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.records.find((r) => r.kind === kind);
      if (found) return found;
      if (this.child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`no '${kind}' from the main process (exit code ${this.child.exitCode}); its output:\n${this.output.join('')}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  all(kind: string): Entry[] {
    return this.records.filter((r) => r.kind === kind);
  }

  ask(message: Record<string, unknown>): Promise<Reply> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ ...message, id });
    });
  }

  /** Calls a contract command the way the renderer at `senderUrl` would. */
  invoke(channel: string, input: unknown, senderUrl = INDEX_URL): Promise<Reply> {
    return this.ask({ type: 'invoke', channel, input, senderUrl });
  }

  quit(): number {
    this.child.send({ type: 'quit' });
    return Date.now();
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

describe('the bundled main process, packaged', () => {
  let appData: string;
  let main: MainProcess;

  beforeAll(async () => {
    appData = mkdtempSync(path.join(tmpdir(), 'vireo-electron-smoke-'));
    main = new MainProcess(appData, true);
    // The window is created once the core has started.
    await main.waitFor('webContents.loadURL');
  });
  afterAll(() => {
    main?.kill();
    rmSync(appData, { recursive: true, force: true });
  });

  it('starts the core on the temporary profile and answers the renderer', async () => {
    const profile = path.join(appData, 'Vireo');
    expect(main.all('app.setPath').find((r) => r.name === 'userData')?.value).toBe(profile);
    expect(existsSync(path.join(profile, 'vireo.sqlite'))).toBe(true);
    const info = await main.invoke('app:info', undefined);
    expect(info.value).toMatchObject({ ok: true, value: { host: 'electron', secrets: { best: 'memory' } } });
    expect((await main.invoke('accounts:list', undefined)).value).toEqual({ ok: true, value: [] });
  });

  it('refuses a command from any page but the renderer on vireo:', async () => {
    const fileUrl = `file://${RENDERER_INDEX}`;
    for (const sender of [fileUrl, 'https://evil.example/', 'vireo://app/other.html']) {
      expect((await main.invoke('accounts:list', undefined, sender)).value, sender).toMatchObject({
        ok: false,
        error: { code: 'forbidden-sender' },
      });
    }
  });

  it('registers one ipcMain handler for every contract command', () => {
    const channels = main.all('ipcMain.handle').map((r) => r.channel as string);
    expect([...channels].sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('sandboxes every renderer and registers vireo: as privileged before ready, serving it after', () => {
    const ready = main.all('app.ready');
    expect(ready).toHaveLength(1);
    const sandbox = main.all('app.enableSandbox');
    expect(sandbox).toHaveLength(1);
    expect(sandbox[0]!.seq).toBeLessThan(ready[0]!.seq);
    const privileged = main.all('protocol.registerSchemesAsPrivileged');
    expect(privileged).toHaveLength(1);
    expect(privileged[0]!.seq).toBeLessThan(ready[0]!.seq);
    expect(privileged[0]!.schemes).toEqual([{ scheme: 'vireo', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    const handled = main.all('protocol.handle');
    expect(handled.map((r) => r.scheme)).toEqual(['vireo']);
    expect(handled[0]!.seq).toBeLessThan(main.all('BrowserWindow')[0]!.seq);
  });

  it('serves the built renderer on vireo://app and nothing outside it', async () => {
    const index = await main.ask({ type: 'fetch', url: INDEX_URL });
    expect(index).toMatchObject({ status: 200, contentType: 'text/html; charset=utf-8' });
    expect(index.body).toBe(readFileSync(RENDERER_INDEX, 'utf8'));
    expect(index.csp).toContain("default-src 'none'");
    const script = /src="\.\/(assets\/[^"]+\.js)"/u.exec(index.body as string)?.[1];
    expect(script).toBeDefined();
    expect(await main.ask({ type: 'fetch', url: `vireo://app/${script}` })).toMatchObject({
      status: 200,
      contentType: 'text/javascript; charset=utf-8',
    });
    for (const url of [
      'vireo://app/..%2Felectron%2Fmain.cjs',
      'vireo://app/%2e%2e/electron/main.cjs',
      `vireo://app/${encodeURIComponent(MAIN)}`,
    ]) {
      const refused = await main.ask({ type: 'fetch', url });
      expect([403, 404], url).toContain(refused.status);
      expect(refused.body).not.toContain('require(');
    }
  });

  it('opens one sandboxed, isolated window without Node or DevTools and loads vireo://app/index.html', async () => {
    const windows = main.all('BrowserWindow');
    expect(windows).toHaveLength(1);
    const prefs = (windows[0]!.options as { webPreferences: Record<string, unknown> }).webPreferences;
    expect(prefs).toMatchObject({
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webviewTag: false,
      devTools: false,
    });
    expect(prefs.preload).toBe(PRELOAD);
    expect(existsSync(PRELOAD)).toBe(true);
    expect(main.all('webContents.loadURL').map((r) => r.url)).toEqual([INDEX_URL]);
    await main.waitFor('BrowserWindow.show');
  });

  it('sets Vireo’s own menu, without DevTools or reload', () => {
    const menus = main.all('Menu.setApplicationMenu');
    expect(menus).toHaveLength(1);
    type Item = { label?: string; role?: string; submenu?: Item[] };
    const template = menus[0]!.template as Item[];
    expect(template.map((m) => m.label)).toEqual(expect.arrayContaining(['File', 'Edit', 'View', 'Window', 'Help']));
    const roles = (items: Item[]): string[] => items.flatMap((i) => [...(i.role ? [i.role] : []), ...roles(i.submenu ?? [])]);
    expect(roles(template)).toEqual(expect.arrayContaining(['quit', 'copy', 'paste']));
    expect(roles(template)).not.toContain('toggleDevTools');
    expect(roles(template)).not.toContain('reload');
  });

  it('stops the core when the user quits, within its timeout', async () => {
    const wal = path.join(appData, 'Vireo', 'vireo.sqlite-wal');
    // The core writes through SQLite's write-ahead log while it runs.
    expect(existsSync(wal)).toBe(true);
    const asked = main.quit();
    const { code, at } = await main.exited;
    expect(code).toBe(0);
    expect(at - asked).toBeLessThan(STOP_TIMEOUT_MS);
    // main held the first quit until the core had stopped, then quit for real.
    expect(main.all('app.quit-prevented').map((r) => r.by)).toEqual(['will-quit']);
    expect(main.all('app.quit')).toHaveLength(2);
    expect(main.all('app.exit').map((r) => r.code)).toEqual([0]);
    // SQLite removes the log when the last connection closes: the database was closed, not abandoned.
    expect(existsSync(wal)).toBe(false);
    expect(existsSync(path.join(appData, 'Vireo', 'vireo.sqlite'))).toBe(true);
  });
});

describe('the bundled main process, in development', () => {
  let appData: string;
  let main: MainProcess;

  beforeAll(async () => {
    appData = mkdtempSync(path.join(tmpdir(), 'vireo-electron-smoke-dev-'));
    main = new MainProcess(appData, false);
    await main.waitFor('webContents.loadURL');
  });
  afterAll(() => {
    main?.kill();
    rmSync(appData, { recursive: true, force: true });
  });

  it('keeps DevTools for developers, in the window and the menu', async () => {
    const prefs = (main.all('BrowserWindow')[0]!.options as { webPreferences: Record<string, unknown> }).webPreferences;
    expect(prefs.devTools).toBe(true);
    expect(JSON.stringify(main.all('Menu.setApplicationMenu')[0]!.template)).toContain('toggleDevTools');
    main.quit();
    expect((await main.exited).code).toBe(0);
  });
});
