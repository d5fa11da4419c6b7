import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { setBridgeForTests } from '$lib/api.js';
import { account, createFakeBridge, ok } from './test/fake-bridge.js';
import App from './App.svelte';

describe('App', () => {
  it('shows sign-in when there is no account, then the main screen once signed in', async () => {
    const fake = createFakeBridge({
      'accounts:list': () => ok([]),
      'roster:snapshot': () => ok({ contacts: [], requests: [] }),
      'chats:list': () => ok([]),
      'accounts:add': () => ok(account()),
    });
    setBridgeForTests(fake.bridge);
    render(App);
    const jid = await screen.findByTestId('signin-jid');
    await fireEvent.input(jid, { target: { value: 'alice@example.org' } });
    await fireEvent.input(screen.getByTestId('signin-password'), { target: { value: 'pw' } });
    await fireEvent.click(screen.getByTestId('signin-submit'));
    const status = await screen.findByTestId('account-status');
    expect(status.textContent).toContain('Online');
    expect(screen.queryByTestId('signin-jid')).toBeNull();
  });

  it('shows the banner when the bridge to the core is lost', async () => {
    vi.stubGlobal(
      'WebSocket',
      class extends EventTarget {
        constructor() {
          super();
          queueMicrotask(() => this.dispatchEvent(new CloseEvent('close', { code: 1006 })));
        }
        send() {}
      },
    );
    try {
      setBridgeForTests(undefined);
      history.replaceState(null, '', '/#token=t0k');
      render(App);
      const banner = await screen.findByTestId('connection-banner');
      expect(banner.textContent).toContain("Lost the connection to Vireo's core — reload the page");
    } finally {
      vi.unstubAllGlobals();
      setBridgeForTests(undefined);
    }
  });

  it('tells the core when the window is hidden and shown again (XEP-0352)', async () => {
    let visibility: DocumentVisibilityState = 'visible';
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => visibility });
    try {
      const fake = createFakeBridge({ 'accounts:list': () => ok([account()]) });
      setBridgeForTests(fake.bridge);
      render(App);
      await screen.findByTestId('account-status');
      // At the start too: the core may still hold an earlier page's "hidden".
      expect(fake.callsOf('app:set-active')).toEqual([{ active: true }]);
      visibility = 'hidden';
      document.dispatchEvent(new Event('visibilitychange'));
      visibility = 'visible';
      document.dispatchEvent(new Event('visibilitychange'));
      expect(fake.callsOf('app:set-active')).toEqual([{ active: true }, { active: false }, { active: true }]);
    } finally {
      // Back to jsdom's own getter on the prototype.
      delete (document as { visibilityState?: unknown }).visibilityState;
    }
  });
});
