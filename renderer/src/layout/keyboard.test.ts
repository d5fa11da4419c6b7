// The window and the keyboard (issue #13 "Keyboard and accessibility"): the window's title carries the
// unread count; with a conversation open the first Tab stop is a skip link that puts the cursor in the
// composer; in a narrow window Escape in a conversation goes back to the list (but not past an open dialog);
// Escape in a room's side panels (people, About, settings) closes them and gives the focus back to their button.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { windowTitle } from '$lib/window-title.js';
import { AppState, appContext } from '../stores/app.svelte.js';
import {
  account,
  conversation,
  convId,
  createFakeBridge,
  occupant,
  ok,
  room,
  roomConversation,
  type Handlers,
} from '../test/fake-bridge.js';
import MainScreen from './MainScreen.svelte';
import ChatView from '../features/chat/ChatView.svelte';

async function setup(handlers: Handlers = {}) {
  const fake = createFakeBridge({
    'accounts:list': () => ok([account()]),
    'chat:history': () => ok({ messages: [], hasMore: false }),
    ...handlers,
  });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  const r = render(MainScreen, { context: appContext(app) });
  return { fake, app, ...r };
}

/** A window as wide (or as narrow) as `narrow` says, for the media queries the code asks. */
function windowIsNarrow(narrow: boolean) {
  vi.stubGlobal('matchMedia', (q: string) => ({
    matches: q.includes('max-width') ? narrow : !narrow,
    media: q,
    addEventListener() {},
    removeEventListener() {},
  }));
}

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
  document.title = 'Vireo';
});

describe('the window title', () => {
  it('says how many messages are unread, and just "Vireo" when none are', async () => {
    expect(windowTitle(0)).toBe('Vireo');
    expect(windowTitle(3)).toBe('(3) Vireo');
    const { fake } = await setup({
      'chats:list': () => ok([conversation('bob@example.org', { unread: 2 }), conversation('carol@example.org', { unread: 1 })]),
    });
    await vi.waitFor(() => expect(document.title).toBe('(3) Vireo'));
    fake.emit('conversation:updated', conversation('bob@example.org', { unread: 0 }));
    await vi.waitFor(() => expect(document.title).toBe('(1) Vireo'));
  });
});

describe('the skip link', () => {
  it('is the first Tab stop once a conversation is open, and puts the cursor in the composer', async () => {
    const { app } = await setup({ 'chats:list': () => ok([conversation('bob@example.org')]) });
    expect(screen.queryByTestId('skip-to-composer')).toBeNull();
    app.selected = convId('bob@example.org');
    await vi.waitFor(() => expect(screen.getByTestId('composer')).toBeTruthy());
    const link = screen.getByRole('link', { name: 'Skip to the message field' });
    // First in the document among everything that takes Tab.
    const first = document.querySelector('a[href], button, input, textarea, select, [tabindex]:not([tabindex="-1"])');
    expect(first).toBe(link);
    (document.activeElement as HTMLElement | null)?.blur();
    await fireEvent.click(link);
    expect(document.activeElement).toBe(screen.getByTestId('composer'));
  });
});

describe('Escape', () => {
  it('in a narrow window goes back from the conversation to the list, onto its row', async () => {
    windowIsNarrow(true);
    // jsdom has no CSS.escape, which finds the row again.
    if (typeof CSS === 'undefined') vi.stubGlobal('CSS', { escape: (s: string) => s.replace(/["\\]/g, '\\$&') });
    const { app } = await setup({ 'chats:list': () => ok([conversation('bob@example.org')]) });
    app.selected = convId('bob@example.org');
    await vi.waitFor(() => expect(screen.getByTestId('composer')).toBeTruthy());
    await fireEvent.keyDown(screen.getByTestId('composer'), { key: 'Escape' });
    expect(app.selected).toBeUndefined();
    await vi.waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('chat-item').querySelector('button')));
  });

  it('in a wide window leaves the conversation open', async () => {
    windowIsNarrow(false);
    const { app } = await setup({ 'chats:list': () => ok([conversation('bob@example.org')]) });
    app.selected = convId('bob@example.org');
    await vi.waitFor(() => expect(screen.getByTestId('composer')).toBeTruthy());
    await fireEvent.keyDown(screen.getByTestId('composer'), { key: 'Escape' });
    expect(app.selected).toBe(convId('bob@example.org'));
  });

  it('closes a room’s people and About panels and gives the focus back to their buttons', async () => {
    windowIsNarrow(true);
    const TEAM = 'team@conference.example.org';
    const fake = createFakeBridge({
      'accounts:list': () => ok([account()]),
      'chats:list': () => ok([roomConversation(TEAM, { title: 'Team' })]),
      'rooms:list': () => ok([room(TEAM)]),
      'chat:history': () => ok({ messages: [], hasMore: false }),
    });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();
    app.selected = convId(TEAM);
    render(ChatView, { props: { conversationId: convId(TEAM) }, context: appContext(app) });

    const people = screen.getByTestId('occupant-toggle');
    await fireEvent.click(people);
    const panel = document.getElementById('occupants')!;
    await fireEvent.keyDown(panel.querySelector('button, [tabindex]') ?? panel, { key: 'Escape' });
    await tick();
    expect(document.getElementById('occupants')).toBeNull();
    expect(document.activeElement).toBe(people);

    const about = screen.getByTestId('room-about-toggle');
    await fireEvent.click(about);
    await fireEvent.keyDown(document.getElementById('room-about')!, { key: 'Escape' });
    await tick();
    expect(document.getElementById('room-about')).toBeNull();
    expect(document.activeElement).toBe(about);
  });

  it('closes the room settings and gives the focus back to their button', async () => {
    const TEAM = 'team@conference.example.org';
    const fake = createFakeBridge({
      'accounts:list': () => ok([account()]),
      'chats:list': () => ok([roomConversation(TEAM, { title: 'Team' })]),
      'rooms:list': () => ok([room(TEAM, { occupants: [occupant('alice', { isSelf: true, role: 'moderator', affiliation: 'owner' })] })]),
      'chat:history': () => ok({ messages: [], hasMore: false }),
    });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();
    app.selected = convId(TEAM);
    render(ChatView, { props: { conversationId: convId(TEAM) }, context: appContext(app) });
    const toggle = screen.getByTestId('room-settings-toggle');
    await fireEvent.click(toggle);
    await fireEvent.keyDown(screen.getByTestId('room-settings-close'), { key: 'Escape' });
    await tick();
    await tick();
    expect(screen.queryByTestId('room-settings')).toBeNull();
    expect(document.activeElement).toBe(toggle);
  });
});
