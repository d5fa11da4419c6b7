// Joining a room from the sidebar: the form's values go to 'rooms:join'; refusals are shown as
// sentences with the way out next to the cursor (password field, nickname field).
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { ACCOUNT_ID, account, convId, createFakeBridge, ok, room, roomConversation } from '../../test/fake-bridge.js';
import type { Handlers } from '../../test/fake-bridge.js';
import Sidebar from '../../layout/Sidebar.svelte';
import RoomJoin from './RoomJoin.svelte';
import type { BareJid } from '$shared/ids.js';
import type { AccountId } from '$shared/ids.js';

const TEAM = 'team@conference.example.org';

async function setup(over: Handlers = {}) {
  const fake = createFakeBridge({ 'accounts:list': () => ok([account()]), ...over });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  const r = renderWithForm(app);
  return { fake, app, ...r };
}

const input = (id: string) => screen.getByTestId<HTMLInputElement>(id);

describe('Joining a room', () => {
  it('prefills the nickname, calls rooms:join with the form values and opens the room', async () => {
    const { fake, app } = await setup({ 'rooms:join': ({ room: jid, nick }) => ok(room(jid, { nick })) });
    expect(input('room-join-nick').value).toBe('alice');
    expect(screen.queryByTestId('room-join-password')).toBeNull();

    await fireEvent.input(input('room-join-jid'), { target: { value: TEAM } });
    await fireEvent.input(input('room-join-nick'), { target: { value: 'Ally' } });
    await fireEvent.click(screen.getByTestId('room-join-submit'));
    await vi.waitFor(() => expect(app.selected).toBe(convId(TEAM)));
    expect(fake.callsOf('rooms:join')).toEqual([{ accountId: ACCOUNT_ID, room: TEAM, nick: 'Ally' }]);

    // The room is in the conversation list, joined.
    const item = screen.getByTestId('chat-item');
    expect(item.dataset.room).toBe(TEAM);
    expect(item.dataset.state).toBe('joined');
    expect(input('room-join-jid').value).toBe('');
  });

  it('asks for the password when the room needs one, and sends it with the next try', async () => {
    const { fake } = await setup({
      'rooms:join': ({ room: jid, password }) =>
        password === 's3cret' ? ok(room(jid)) : { ok: false, error: { code: 'room-password-required' } },
    });
    await fireEvent.input(input('room-join-jid'), { target: { value: TEAM } });
    await fireEvent.click(screen.getByTestId('room-join-submit'));
    const error = await screen.findByTestId('room-join-error');
    expect(error.textContent).toContain('This room needs a password.');
    expect(error.textContent).toContain('Enter the room’s password and join again.');
    await vi.waitFor(() => expect(document.activeElement).toBe(input('room-join-password')));

    await fireEvent.input(input('room-join-password'), { target: { value: 's3cret' } });
    await fireEvent.click(screen.getByTestId('room-join-submit'));
    await vi.waitFor(() => expect(screen.queryByTestId('room-join-error')).toBeNull());
    expect(fake.callsOf('rooms:join').at(-1)).toEqual({ accountId: ACCOUNT_ID, room: TEAM, nick: 'alice', password: 's3cret' });
  });

  it('reveals the password field on request', async () => {
    await setup();
    await fireEvent.click(screen.getByTestId('room-join-password-toggle'));
    expect(screen.getByTestId('room-join-password')).toBeTruthy();
  });

  it('says when the nickname is taken and puts the cursor in the nickname field', async () => {
    const { fake } = await setup({ 'rooms:join': () => ({ ok: false, error: { code: 'room-nick-conflict' } }) });
    await fireEvent.input(input('room-join-jid'), { target: { value: TEAM } });
    await fireEvent.click(screen.getByTestId('room-join-submit'));
    const error = await screen.findByTestId('room-join-error');
    expect(error.textContent).toContain('Someone in this room already uses that nickname.');
    expect(error.textContent).toContain('Choose another nickname.');
    await vi.waitFor(() => expect(document.activeElement).toBe(input('room-join-nick')));
    expect(screen.queryByTestId('room-join-password')).toBeNull();
    expect(fake.callsOf('rooms:join')).toHaveLength(1);
  });

  it('does not call the core for an address that is not one', async () => {
    const { fake } = await setup();
    await fireEvent.input(input('room-join-jid'), { target: { value: 'not a room' } });
    await fireEvent.click(screen.getByTestId('room-join-submit'));
    expect(screen.getByRole('alert').textContent).toContain('Enter the room’s address');
    expect(fake.callsOf('rooms:join')).toEqual([]);
  });

  it('lists rooms from rooms:list with their state, follows room:updated, and opens on click', async () => {
    const { fake, app } = await setup({
      'rooms:list': () => ok([room(TEAM, { state: 'joining', occupants: [] })]),
      'chats:list': () => ok([roomConversation(TEAM)]),
    });
    // The room's conversation is listed once, as a room, with its state in words.
    const item = () => screen.getByTestId('chat-item');
    expect(item().dataset.state).toBe('joining');
    expect(item().textContent).toContain('Joining…');
    fake.emit('room:updated', room(TEAM, { state: 'error', error: { code: 'room-banned' } }));
    flushSync();
    expect(item().textContent).toContain('You are banned from this room.');

    await fireEvent.click(within(item()).getByRole('button'));
    expect(app.selected).toBe(convId(TEAM));
    expect(item().dataset.kind).toBe('room');
    expect(within(item()).getByTestId('chat-title').textContent).toBe(`Room:${TEAM}`);
  });
});

/** The sidebar (the conversation list) and the form that the New menu's dialog holds, wired as the dialog wires it. */
function renderWithForm(app: AppState) {
  const r = render(Sidebar, { context: appContext(app) });
  render(RoomJoin, {
    props: {
      accounts: app.accounts.list,
      onjoin: (a: AccountId, room: string, nick: string, pw: string | undefined) => app.joinRoom(a, room as BareJid, nick, pw),
    },
    context: appContext(app),
  });
  return r;
}
