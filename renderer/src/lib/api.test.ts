// The browser-host transport: token handling, the JSON frames, queueing, and a lost socket.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { api, createWebSocketBridge, onConnectionLost, setBridgeForTests } from './api.js';

class FakeSocket extends EventTarget {
  static OPEN = 1;
  static last: FakeSocket | undefined;
  readyState = 0;
  sent: unknown[] = [];
  constructor(
    public url: string,
    public protocol: string,
  ) {
    super();
    FakeSocket.last = this;
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  open() {
    this.readyState = 1;
    this.dispatchEvent(new Event('open'));
  }
  receive(msg: unknown) {
    this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(msg) }));
  }
  drop() {
    this.readyState = 3;
    this.dispatchEvent(new CloseEvent('close', { code: 1006 }));
  }
}

const flush = () => new Promise((r) => setTimeout(r, 0));

beforeEach(() => {
  vi.stubGlobal('WebSocket', FakeSocket);
  setBridgeForTests(undefined);
  sessionStorage.clear();
});
afterEach(() => {
  vi.unstubAllGlobals();
  setBridgeForTests(undefined);
  history.replaceState(null, '', '/');
});

describe('browser-host bridge', () => {
  it('takes the token from the address, hides it, and offers it as the subprotocol', async () => {
    history.replaceState(null, '', '/#token=abc123');
    const answer = api.call('accounts:list', {});
    const ws = FakeSocket.last!;
    expect(ws.url).toBe(`ws://${location.host}/ipc`);
    expect(ws.protocol).toBe('vireo.abc123');
    expect(location.hash).toBe('');
    expect(sessionStorage.getItem('vireo.token')).toBe('abc123');

    // Queued until open, then sent as one frame.
    expect(ws.sent).toEqual([]);
    ws.open();
    expect(ws.sent).toEqual([{ id: 1, command: 'accounts:list', input: {} }]);
    ws.receive({ id: 1, result: { ok: true, value: [] } });
    await expect(answer).resolves.toEqual({ ok: true, value: [] });
  });

  it('delivers pushed events to subscribers until they unsubscribe', () => {
    const bridge = createWebSocketBridge('ws://127.0.0.1:1/ipc', 'tok');
    const ws = FakeSocket.last!;
    const cb = vi.fn();
    const off = bridge.on('message:added', cb);
    ws.open();
    ws.receive({ event: 'message:added', payload: [{ id: 'm1' }] });
    off();
    ws.receive({ event: 'message:added', payload: [] });
    expect(cb).toHaveBeenCalledTimes(1);
    expect(cb).toHaveBeenCalledWith([{ id: 'm1' }]);
  });

  it('answers pending and later calls with connection-lost when the socket closes, and says so once', async () => {
    const lost = vi.fn();
    onConnectionLost(lost);
    const bridge = createWebSocketBridge('ws://127.0.0.1:1/ipc', 'tok');
    const ws = FakeSocket.last!;
    ws.open();
    const pending = bridge.invoke('chats:list', {});
    ws.drop();
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'connection-lost' } });
    await expect(bridge.invoke('chats:list', {})).resolves.toMatchObject({ ok: false, error: { code: 'connection-lost' } });
    expect(lost).toHaveBeenCalledTimes(1);
  });

  it('ignores frames that are not JSON or not for a pending call', async () => {
    const bridge = createWebSocketBridge('ws://127.0.0.1:1/ipc', 'tok');
    const ws = FakeSocket.last!;
    ws.open();
    const p = bridge.invoke('app:info', {});
    ws.dispatchEvent(new MessageEvent('message', { data: 'not json' }));
    ws.receive({ id: 99, result: { ok: true, value: 1 } });
    ws.receive({ id: 1, result: { ok: true, value: 'info' } });
    await expect(p).resolves.toEqual({ ok: true, value: 'info' });
  });

  it('refuses to connect without a token and reports the loss', async () => {
    const lost = vi.fn();
    onConnectionLost(lost);
    const bridge = createWebSocketBridge('ws://127.0.0.1:1/ipc', undefined);
    await flush();
    expect(lost).toHaveBeenCalled();
    await expect(bridge.invoke('app:info', {})).resolves.toMatchObject({ error: { code: 'connection-lost' } });
  });
});

describe('api over an injected bridge', () => {
  it('turns a thrown bridge error into a Result instead of throwing', async () => {
    setBridgeForTests({
      invoke: () => {
        throw new TypeError('boom');
      },
      on: () => undefined,
    });
    await expect(api.call('app:info', {})).resolves.toEqual({ ok: false, error: { code: 'internal', detail: 'boom' } });
    expect(typeof api.on('accounts:changed', () => {})).toBe('function');
  });

  it('uses window.vireo under Electron', async () => {
    const invoke = vi.fn(async () => ({ ok: true, value: [] }));
    window.vireo = { invoke, on: () => () => {} };
    try {
      await expect(api.call('chats:list', {})).resolves.toEqual({ ok: true, value: [] });
      expect(invoke).toHaveBeenCalledWith('chats:list', {});
    } finally {
      delete window.vireo;
    }
  });
});
