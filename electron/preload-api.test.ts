// The object the preload exposes as `window.vireo`, with a fake ipcRenderer (preload.ts itself needs
// the Electron runtime, which is not here).
import type { IpcRendererEvent } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import type { AccountView } from '../shared/views.js';
import { createVireoBridge, type BridgeIpc } from './preload-api.js';

type Listener = (event: IpcRendererEvent, ...args: unknown[]) => void;

function fakeIpc() {
  const listeners = new Map<string, Set<Listener>>();
  const ipc = {
    invoke: vi.fn(async (_channel: string, _input: unknown) => ({ ok: true, value: [] })),
    on: vi.fn((channel: string, fn: Listener) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)!.add(fn);
      return ipc;
    }),
    removeListener: vi.fn((channel: string, fn: Listener) => {
      listeners.get(channel)?.delete(fn);
      return ipc;
    }),
  };
  const push = (channel: string, payload: unknown) => {
    const event = { sender: { secret: 'ipcRenderer' } } as unknown as IpcRendererEvent;
    for (const fn of listeners.get(channel) ?? []) fn(event, payload);
  };
  return { ipc, push, listeners };
}

describe('createVireoBridge', () => {
  it('invokes contract commands on the channel of the same name', async () => {
    const { ipc } = fakeIpc();
    const bridge = createVireoBridge(ipc as unknown as BridgeIpc);
    await expect(bridge.invoke('accounts:list', {})).resolves.toEqual({ ok: true, value: [] });
    expect(ipc.invoke).toHaveBeenCalledWith('accounts:list', {});
  });

  it('throws for names outside the contract, without touching IPC', () => {
    const { ipc } = fakeIpc();
    const bridge = createVireoBridge(ipc as unknown as BridgeIpc) as unknown as {
      invoke(name: unknown, input?: unknown): unknown;
      on(name: unknown, cb: unknown): unknown;
    };
    for (const name of ['shell:open', 'ELECTRON_BROWSER_REQUIRE', '__proto__', 'toString', 42, undefined]) {
      expect(() => bridge.invoke(name, {})).toThrow(TypeError);
      expect(() => bridge.on(name, () => {})).toThrow(TypeError);
    }
    expect(() => bridge.on('accounts:changed', 'not a function')).toThrow(TypeError);
    // A command name is not an event name, and the other way round.
    expect(() => bridge.on('accounts:list', () => {})).toThrow(TypeError);
    expect(() => bridge.invoke('accounts:changed', {})).toThrow(TypeError);
    expect(ipc.invoke).not.toHaveBeenCalled();
    expect(ipc.on).not.toHaveBeenCalled();
  });

  it('hands the callback only the payload, and unsubscribes', () => {
    const { ipc, push, listeners } = fakeIpc();
    const bridge = createVireoBridge(ipc as unknown as BridgeIpc);
    const cb = vi.fn();
    const off = bridge.on('accounts:changed', cb);
    const accounts: AccountView[] = [];
    push('accounts:changed', accounts);
    expect(cb).toHaveBeenCalledTimes(1);
    expect(cb.mock.calls[0]).toEqual([accounts]);
    off();
    push('accounts:changed', accounts);
    expect(cb).toHaveBeenCalledTimes(1);
    expect(listeners.get('accounts:changed')?.size).toBe(0);
  });
});
