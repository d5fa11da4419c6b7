// The one conversation list as a person sees it: chats, rooms and private room chats together, each once,
// newest first; who wrote the last message; a room's state when it is not joined; unread and mentions;
// the filter (Ctrl+K) with arrow keys and Enter; Alt+Up/Down between conversations.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { listTime } from '../../stores/conversations.svelte.js';
import {
  account,
  contact,
  conversation,
  createFakeBridge,
  message,
  ok,
  room,
  roomConversation,
  type Handlers,
} from '../../test/fake-bridge.js';
import Sidebar from '../../layout/Sidebar.svelte';

const ZOO = 'zoo@conference.example.org';
const ALPHA = 'alpha@conference.example.org';
const TEAM = 'team@conference.example.org';
const BOB = 'bob@example.org';

async function setup(handlers: Handlers = {}) {
  const fake = createFakeBridge({ 'accounts:list': () => ok([account()]), ...handlers });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  render(Sidebar, { context: appContext(app) });
  return { fake, app };
}

const items = () => screen.getAllByTestId('chat-item');
const peers = () => items().map((el) => el.dataset.peer);
const item = (peer: string) => items().find((el) => el.dataset.peer === peer)!;
/** The second line as a screen reader reads it (spaces collapsed). */
const preview = (peer: string) => within(item(peer)).getByTestId('chat-preview').textContent?.replace(/\s+/g, ' ').trim();

describe('the conversation list', () => {
  it('lists chats and rooms together, each once, newest first; rooms without messages by name', async () => {
    await setup({
      'chats:list': () => ok([conversation(BOB, { title: 'Bob', lastActivity: 2000 }), roomConversation(TEAM, { lastActivity: 3000 })]),
      'rooms:list': () => ok([room(ZOO, { name: 'Aardvarks <b>club</b>' }), room(ALPHA), room(TEAM, { name: 'Team' })]),
    });
    expect(peers()).toEqual([TEAM, BOB, ZOO, ALPHA]);
    expect(within(item(TEAM)).getByTestId('chat-title').textContent).toBe('Room:Team');
    // A room's name is text, never markup; a room without a name is called by its address.
    expect(within(item(ZOO)).getByTestId('chat-title').textContent).toBe('Room:Aardvarks <b>club</b>');
    expect(item(ZOO).querySelector('b')).toBeNull();
    expect(within(item(ALPHA)).getByTestId('chat-title').textContent).toBe(`Room:${ALPHA}`);
    expect(item(BOB).dataset.kind).toBe('chat');
    expect(item(TEAM).dataset.kind).toBe('room');
  });

  it('says who wrote the last message: "You:" for one’s own, the nickname in a room', async () => {
    const { fake } = await setup({
      'chats:list': () =>
        ok([
          conversation(BOB, { title: 'Bob', lastMessage: { body: 'see you', direction: 'out' } }),
          roomConversation(TEAM, { lastMessage: { body: 'lunch?', direction: 'in' } }),
        ]),
      'rooms:list': () => ok([room(TEAM)]),
    });
    expect(preview(BOB)).toBe(', You: see you');
    expect(preview(TEAM)).toBe(', lunch?');
    // The core names who wrote a room's last message; else, once the message is loaded, its sender is named.
    fake.emit('conversation:updated', roomConversation(TEAM, { lastMessage: { body: 'tea?', direction: 'in', senderNick: 'Dan' } }));
    flushSync();
    expect(preview(TEAM)).toBe(', Dan: tea?');
    fake.emit('conversation:updated', roomConversation(TEAM, { lastMessage: { body: 'lunch?', direction: 'in' } }));
    flushSync();
    fake.emit('message:added', [message(TEAM, { body: 'lunch?', senderNick: 'Carol' })]);
    flushSync();
    expect(preview(TEAM)).toBe(', Carol: lunch?');
  });

  it('shows a room’s state in words instead of a message when the user is not in it', async () => {
    const { fake } = await setup({ 'rooms:list': () => ok([room(TEAM, { state: 'joining' })]) });
    expect(within(item(TEAM)).getByTestId('room-state').textContent).toBe('Joining…');
    fake.emit('room:updated', room(TEAM, { unreachable: true }));
    flushSync();
    expect(within(item(TEAM)).getByTestId('room-state').textContent).toBe('Connection lost, retrying…');
    fake.emit('room:updated', room(TEAM, { state: 'left' }));
    flushSync();
    expect(within(item(TEAM)).getByTestId('room-state').textContent).toBe('You left this room.');
  });

  it('marks unread messages with their count, and a mention with "@"', async () => {
    const { fake } = await setup({
      'chats:list': () => ok([roomConversation(TEAM, { unread: 2 })]),
      'rooms:list': () => ok([room(TEAM)]),
    });
    expect(within(item(TEAM)).getByTestId('chat-unread').textContent).toBe('2');
    expect(within(item(TEAM)).getByRole('button').textContent).toContain('2 unread');
    expect(within(item(TEAM)).queryByTestId('chat-mention')).toBeNull();
    fake.emit('message:added', [message(TEAM, { senderNick: 'Carol' }), message(TEAM, { senderNick: 'Dan', mentionsMe: true })]);
    flushSync();
    expect(within(item(TEAM)).getByTestId('chat-mention')).toBeTruthy();
  });

  it('shows a contact’s presence and whether the chat is encrypted, in words for screen readers', async () => {
    await setup({
      'chats:list': () => ok([conversation(BOB, { title: 'Bob', encryption: { mode: 'omemo', available: true } })]),
      'roster:snapshot': () => ok({ contacts: [contact(BOB, { name: 'Bob', presence: 'away' })], requests: [] }),
    });
    const bob = within(item(BOB)).getByRole('button');
    expect(bob.textContent).toContain('Away');
    expect(bob.textContent).toContain('encrypted');
  });

  it('filters by name or address; Down moves into the results, Up/Down between them, Enter opens', async () => {
    const { app } = await setup({
      'chats:list': () =>
        ok([conversation(BOB, { title: 'Bob', lastActivity: 3 }), conversation('bea@example.org', { title: 'Bea', lastActivity: 2 })]),
      'rooms:list': () => ok([room(TEAM, { name: 'Team Alpha' })]),
    });
    await fireEvent.keyDown(window, { key: 'k', ctrlKey: true });
    const jump = screen.getByTestId<HTMLInputElement>('jump');
    expect(document.activeElement).toBe(jump);
    await fireEvent.input(jump, { target: { value: 'team al' } });
    expect(peers()).toEqual([TEAM]);
    await fireEvent.input(jump, { target: { value: 'b' } });
    expect(peers()).toEqual([BOB, 'bea@example.org']);
    await fireEvent.keyDown(jump, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(within(item(BOB)).getByRole('button'));
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(within(item('bea@example.org')).getByRole('button'));
    await fireEvent.click(document.activeElement!);
    expect(app.selected).toBe(conversation('bea@example.org').id);
    // Up from the first result goes back to the field.
    within(item(BOB)).getByRole('button').focus();
    await fireEvent.keyDown(document.activeElement!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(jump);
    await fireEvent.keyDown(jump, { key: 'Enter' });
    expect(app.selected).toBe(conversation(BOB).id);
    expect(jump.value).toBe('');
  });

  it('Alt+Down/Up moves to the next/previous conversation, Alt+Shift+Down to the next unread', async () => {
    const { app } = await setup({
      'chats:list': () =>
        ok([
          conversation('a@example.org', { lastActivity: 4 }),
          conversation('b@example.org', { lastActivity: 3 }),
          conversation('c@example.org', { lastActivity: 2 }),
          conversation('d@example.org', { lastActivity: 1, unread: 1 }),
        ]),
    });
    await fireEvent.keyDown(window, { key: 'ArrowDown', altKey: true });
    expect(app.selected).toBe(conversation('a@example.org').id);
    await fireEvent.keyDown(window, { key: 'ArrowDown', altKey: true });
    expect(app.selected).toBe(conversation('b@example.org').id);
    await fireEvent.keyDown(window, { key: 'ArrowUp', altKey: true });
    expect(app.selected).toBe(conversation('a@example.org').id);
    await fireEvent.keyDown(window, { key: 'ArrowDown', altKey: true, shiftKey: true });
    expect(app.selected).toBe(conversation('d@example.org').id);
  });

  it('says there are no chats yet, with the ways to start one', async () => {
    await setup();
    const empty = screen.getByTestId('list-empty');
    expect(empty.textContent).toContain('No chats yet');
    expect(within(empty).getByRole('button', { name: 'Start a chat' })).toBeTruthy();
    expect(within(empty).getByRole('button', { name: 'Join a room' })).toBeTruthy();
  });
});

describe('listTime', () => {
  const now = new Date(2026, 11, 8, 15, 0).getTime(); // a Tuesday
  it('says the clock time today, the weekday this week, the day and month this year, else the year too', () => {
    expect(listTime(new Date(2026, 11, 8, 14, 2).getTime(), now)).toMatch(/14.02|0?2.02/);
    expect(listTime(new Date(2026, 11, 7, 9, 0).getTime(), now)).toBe(
      new Intl.DateTimeFormat(undefined, { weekday: 'short' }).format(new Date(2026, 11, 7)),
    );
    expect(listTime(new Date(2026, 11, 2, 9, 0).getTime(), now)).toBe(
      new Intl.DateTimeFormat(undefined, { weekday: 'short' }).format(new Date(2026, 11, 2)),
    );
    expect(listTime(new Date(2026, 10, 3, 9, 0).getTime(), now)).toBe(
      new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' }).format(new Date(2026, 10, 3)),
    );
    expect(listTime(new Date(2025, 11, 3, 9, 0).getTime(), now)).toContain('2025');
  });
});
