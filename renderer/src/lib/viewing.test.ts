// The core is told which conversation is on screen (no notification for it), and a clicked
// notification's 'conversation:show' selects that conversation.
import { describe, expect, it } from 'vitest';
import { flushSync } from 'svelte';
import { api, setBridgeForTests } from './api.js';
import { reportViewing } from './viewing.svelte.js';
import { AppState } from '../stores/app.svelte.js';
import { account, convId, createFakeBridge, ok } from '../test/fake-bridge.js';

function fakeWindow() {
  let focused = true;
  let visibility: DocumentVisibilityState = 'visible';
  const doc = Object.defineProperties(new EventTarget(), {
    hasFocus: { value: () => focused },
    visibilityState: { get: () => visibility },
  });
  const win = new EventTarget();
  return {
    doc: doc as unknown as Document,
    win: win as unknown as Window,
    blur() {
      focused = false;
      win.dispatchEvent(new Event('blur'));
    },
    focus() {
      focused = true;
      win.dispatchEvent(new Event('focus'));
    },
    hide() {
      visibility = 'hidden';
      doc.dispatchEvent(new Event('visibilitychange'));
    },
  };
}

describe('reportViewing', () => {
  it('reports the selected conversation while the window is shown and focused, else none', async () => {
    const fake = createFakeBridge({ 'accounts:list': () => ok([account()]) });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();
    const w = fakeWindow();
    const stop = reportViewing(app, w.doc, w.win);
    flushSync();
    app.selected = convId('bob@example.org');
    flushSync();
    w.blur();
    flushSync();
    w.focus();
    flushSync();
    w.hide();
    flushSync();
    expect(fake.callsOf('app:set-viewing')).toEqual([
      { conversationId: null },
      { conversationId: convId('bob@example.org') },
      { conversationId: null },
      { conversationId: convId('bob@example.org') },
      { conversationId: null },
    ]);
    stop();
    w.focus();
    flushSync();
    expect(fake.callsOf('app:set-viewing')).toHaveLength(5);
  });

  it('opens the conversation of a clicked notification', async () => {
    const fake = createFakeBridge({ 'accounts:list': () => ok([account()]) });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();
    const w = fakeWindow();
    const stop = reportViewing(app, w.doc, w.win);
    fake.emit('conversation:show', { conversationId: convId('carol@example.org') });
    expect(app.selected).toBe(convId('carol@example.org'));
    stop();
  });
});
