// The Electron IPC transport with a real router and bus, and fakes for ipcMain and windows
// (only types come from 'electron': it cannot be required under plain Node).
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { COMMAND_NAMES } from '../../shared/contract.js';
import { ok } from '../../shared/errors.js';
import type { AccountId, BareJid } from '../../shared/ids.js';
import { createEventBus } from '../core/kernel/events.js';
import { bindIpc, makeSenderCheck, type SenderFrame } from './electron-bridge.js';
import { createIpcRouter, type Handlers } from './router.js';

const INDEX_URL = 'file:///home/ada/Vireo/dist/renderer/index.html';
type Invoke = (event: IpcMainInvokeEvent, ...args: unknown[]) => Promise<unknown>;

function topFrame(url: string): SenderFrame {
  const frame = { url, parent: null, top: null as SenderFrame | null };
  frame.top = frame;
  return frame as unknown as SenderFrame;
}
function subFrame(url: string, top: SenderFrame): SenderFrame {
  return { url, parent: top, top } as unknown as SenderFrame;
}

function setup() {
  const registered = new Map<string, Invoke>();
  const ipcMain = {
    handle: vi.fn((channel: string, fn: Invoke) => {
      if (registered.has(channel)) throw new Error(`second handler for ${channel}`);
      registered.set(channel, fn);
    }),
    removeHandler: vi.fn((channel: string) => registered.delete(channel)),
  };
  const handlers = Object.fromEntries(
    COMMAND_NAMES.map((name) => [name, vi.fn(async () => ok(name === 'accounts:list' ? [] : null))]),
  ) as unknown as Handlers & Record<string, ReturnType<typeof vi.fn>>;
  const events = createEventBus();
  const windows: BrowserWindow[] = [];
  const unbind = bindIpc({
    ipcMain: ipcMain as unknown as IpcMain,
    router: createIpcRouter(handlers),
    events,
    isTrustedSender: makeSenderCheck(INDEX_URL),
    getWindows: () => windows,
  });
  const call = (channel: string, input: unknown, frame: SenderFrame | null = topFrame(INDEX_URL)) =>
    registered.get(channel)!({ senderFrame: frame } as unknown as IpcMainInvokeEvent, input);
  return { registered, ipcMain, handlers, events, windows, unbind, call };
}

function fakeWindow(frameUrl: string, destroyed = false) {
  const send = vi.fn();
  const win = {
    isDestroyed: () => destroyed,
    webContents: { isDestroyed: () => destroyed, mainFrame: topFrame(frameUrl), send },
  };
  return { win: win as unknown as BrowserWindow, send };
}

describe('bindIpc', () => {
  it('registers exactly one handler per contract command, on the command name itself', () => {
    const { registered } = setup();
    expect([...registered.keys()].sort()).toEqual([...COMMAND_NAMES].sort());
  });

  it('calls the service for a valid call from Vireo’s own window', async () => {
    const { call, handlers } = setup();
    await expect(call('accounts:list', {})).resolves.toEqual({ ok: true, value: [] });
    expect(handlers['accounts:list']).toHaveBeenCalledOnce();
  });

  it('refuses a call from any other frame before the service sees it', async () => {
    const { call, handlers } = setup();
    const accountId = 'acc-1' as AccountId;
    for (const frame of [
      topFrame('https://evil.example/'),
      topFrame('file:///tmp/dropped.html'),
      subFrame(INDEX_URL, topFrame('https://evil.example/')),
      subFrame(INDEX_URL, topFrame(INDEX_URL)),
      null,
    ]) {
      const result = await call('accounts:remove', { accountId }, frame);
      expect(result).toMatchObject({ ok: false, error: { code: 'forbidden-sender' } });
    }
    expect(handlers['accounts:remove']).not.toHaveBeenCalled();
  });

  it('answers invalid input with invalid-input and does not call the service', async () => {
    const { call, handlers } = setup();
    await expect(call('accounts:remove', {})).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    await expect(call('roster:add', { accountId: 'a', jid: 'not a jid' })).resolves.toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    await expect(call('accounts:list', { extra: true })).resolves.toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(handlers['accounts:remove']).not.toHaveBeenCalled();
    expect(handlers['roster:add']).not.toHaveBeenCalled();
    expect(handlers['accounts:list']).not.toHaveBeenCalled();
  });

  it('pushes bus events to Vireo windows only', () => {
    const { events, windows } = setup();
    const own = fakeWindow(`${INDEX_URL}#/chats`);
    const foreign = fakeWindow('https://evil.example/');
    const gone = fakeWindow(INDEX_URL, true);
    windows.push(own.win, foreign.win, gone.win);
    const payload = { accountId: 'acc-1' as AccountId, contacts: [], removed: ['juliet@example.org' as BareJid] };
    events.emit('roster:changed', payload);
    expect(own.send).toHaveBeenCalledWith('roster:changed', payload);
    expect(foreign.send).not.toHaveBeenCalled();
    expect(gone.send).not.toHaveBeenCalled();
  });

  it('undoes everything it registered', () => {
    const { unbind, registered, events, windows } = setup();
    const own = fakeWindow(INDEX_URL);
    windows.push(own.win);
    unbind();
    expect(registered.size).toBe(0);
    events.emit('accounts:changed', []);
    expect(own.send).not.toHaveBeenCalled();
  });
});

describe('makeSenderCheck', () => {
  const trusted = makeSenderCheck(INDEX_URL);
  it.each([
    ['the renderer document', topFrame(INDEX_URL), true],
    ['the renderer with a route', topFrame(`${INDEX_URL}?x=1#/rooms`), true],
    ['the same file, percent-encoded differently', topFrame('file:///home/ada/Vireo/dist/renderer/%69ndex.html'), true],
    ['another file', topFrame('file:///home/ada/Vireo/dist/renderer/other.html'), false],
    ['a web page', topFrame('https://example.org/dist/renderer/index.html'), false],
    ['about:blank', topFrame('about:blank'), false],
    ['a sub-frame of the renderer', subFrame(INDEX_URL, topFrame(INDEX_URL)), false],
    ['no frame', null, false],
  ])('%s → %s', (_label, frame, expected) => {
    expect(trusted(frame)).toBe(expected);
  });

  it('treats a frame that throws on access as untrusted', () => {
    const frame = {
      parent: null,
      top: topFrame(INDEX_URL),
      get url(): string {
        throw new Error('frame destroyed');
      },
    };
    expect(trusted(frame as unknown as SenderFrame)).toBe(false);
  });
});
