// Room settings in a room's view: a room the user just created opens with its configuration form
// (submit unlocks it, cancel gets rid of it); owners reopen the configuration later; admins keep the
// member and ban lists; moderators change the subject; refusals come back in words. Also what the user
// sees when removed from a room: the moderator's reason, and "Join again" only where it can work.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { BareJid } from '$shared/ids.js';
import type { DataFormView, OccupantView, RoomView } from '$shared/views.js';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { ACCOUNT_ID, account, convId, createFakeBridge, occupant, ok, room, roomConversation } from '../../test/fake-bridge.js';
import type { Handlers } from '../../test/fake-bridge.js';
import ChatView from '../chat/ChatView.svelte';
import Sidebar from '../../layout/Sidebar.svelte';
import RoomJoin from './RoomJoin.svelte';
import type { AccountId } from '$shared/ids.js';

const TEAM = 'team@conference.example.org';
const ID = convId(TEAM);
const FORM: DataFormView = {
  fields: [
    { var: 'muc#roomconfig_roomname', type: 'text-single', label: 'Title', required: false, values: [], options: [] },
    { var: 'muc#roomconfig_membersonly', type: 'boolean', label: 'Only allow members to join', required: false, values: [], options: [] },
  ],
};

async function setup(r: RoomView, over: Handlers = {}) {
  const fake = createFakeBridge({
    'accounts:list': () => ok([account()]),
    'chats:list': () => ok([roomConversation(TEAM)]),
    'rooms:list': () => ok([r]),
    'chat:history': () => ok({ messages: [], hasMore: false }),
    'rooms:get-config': () => ok(FORM),
    'rooms:list-affiliation': () => ok([]),
    ...over,
  });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  app.selected = ID;
  render(ChatView, { props: { conversationId: ID }, context: appContext(app) });
  return { fake, app };
}

const self = (over: Partial<OccupantView>) => occupant('alice', { isSelf: true, ...over });
const owner = self({ role: 'moderator', affiliation: 'owner' });

describe('Room settings', () => {
  it('a room just created opens with its form; saving it sends the answers and unlocks the room', async () => {
    const { fake } = await setup(room(TEAM, { locked: true, occupants: [owner] }), {
      'rooms:configure': () => ok(room(TEAM, { occupants: [owner] })),
    });
    expect(screen.getByTestId('room-status').dataset.state).toBe('locked');
    expect(screen.getByTestId('room-status').textContent).toContain('Nobody else can enter until you save its settings.');
    const settings = await screen.findByTestId('room-settings');
    await within(settings).findByTestId('data-form');
    await fireEvent.input(within(settings).getByLabelText('Title'), { target: { value: 'Team room' } });
    await fireEvent.click(within(settings).getByLabelText('Only allow members to join'));
    await fireEvent.click(within(settings).getByRole('button', { name: 'Create the room' }));
    await vi.waitFor(() =>
      expect(fake.callsOf('rooms:configure')).toEqual([
        { accountId: ACCOUNT_ID, room: TEAM, values: { 'muc#roomconfig_roomname': 'Team room', 'muc#roomconfig_membersonly': true } },
      ]),
    );
    expect(await within(settings).findByText('The room’s settings were saved.')).toBeTruthy();
    await vi.waitFor(() => expect(screen.queryByTestId('room-status')).toBeNull());
  });

  it('“Do not create it” cancels the new room and closes the settings', async () => {
    const { fake } = await setup(room(TEAM, { locked: true, occupants: [owner] }));
    const settings = await screen.findByTestId('room-settings');
    await within(settings).findByTestId('data-form');
    await fireEvent.click(within(settings).getByRole('button', { name: 'Do not create it' }));
    await vi.waitFor(() => expect(fake.callsOf('rooms:cancel-config')).toEqual([{ accountId: ACCOUNT_ID, room: TEAM }]));
    await vi.waitFor(() => expect(screen.queryByTestId('room-settings')).toBeNull());
    expect(fake.callsOf('rooms:configure')).toEqual([]);
  });

  it('is offered only to moderators, admins and owners', async () => {
    await setup(room(TEAM, { occupants: [self({ role: 'participant', affiliation: 'member' })] }));
    expect(screen.queryByTestId('room-settings-toggle')).toBeNull();
  });

  it('a moderator changes the subject, and sees a refusal in words', async () => {
    const { fake } = await setup(room(TEAM, { subject: 'Old', occupants: [self({ role: 'moderator', affiliation: 'none' })] }), {
      'rooms:set-subject': () => ({ ok: false, error: { code: 'room-forbidden', detail: 'forbidden' } }),
    });
    await fireEvent.click(screen.getByTestId('room-settings-toggle'));
    const settings = screen.getByTestId('room-settings');
    // Neither the configuration (owners) nor the lists (admins) for a moderator.
    expect(within(settings).queryByTestId('room-config-open')).toBeNull();
    expect(within(settings).queryByTestId('room-list-tab')).toBeNull();
    const input = within(settings).getByTestId<HTMLInputElement>('room-subject-input');
    expect(input.value).toBe('Old');
    await fireEvent.input(input, { target: { value: 'Release on Friday' } });
    await fireEvent.click(within(settings).getByTestId('room-subject-save'));
    await vi.waitFor(() =>
      expect(fake.callsOf('rooms:set-subject')).toEqual([{ accountId: ACCOUNT_ID, room: TEAM, subject: 'Release on Friday' }]),
    );
    expect((await within(settings).findByTestId('room-subject-error')).textContent).toContain('The room did not allow you to do that.');
  });

  it('an admin lifts a ban from the ban list and adds a member by address; owners’ list is not theirs', async () => {
    const lists: Record<string, { jid: BareJid; affiliation: 'outcast' | 'member' }[]> = {
      outcast: [{ jid: 'carol@example.org' as BareJid, affiliation: 'outcast' }],
      member: [],
    };
    const { fake } = await setup(room(TEAM, { occupants: [self({ role: 'moderator', affiliation: 'admin' })] }), {
      'rooms:list-affiliation': ({ affiliation }) => ok(lists[affiliation] ?? []),
      'rooms:set-affiliation': ({ jid, affiliation }) => {
        lists.outcast = lists.outcast!.filter((e) => e.jid !== jid);
        if (affiliation === 'member') lists.member!.push({ jid: jid as BareJid, affiliation });
        return ok(null);
      },
    });
    await fireEvent.click(screen.getByTestId('room-settings-toggle'));
    const settings = screen.getByTestId('room-settings');
    expect(
      within(settings)
        .getAllByTestId('room-list-tab')
        .map((t) => t.dataset.list),
    ).toEqual(['member', 'outcast', 'admin']);
    await vi.waitFor(() => expect(within(settings).getByText('Nobody.')).toBeTruthy());

    await fireEvent.click(within(settings).getByRole('tab', { name: 'Banned' }));
    const entry = await within(settings).findByTestId('room-list-entry');
    expect(entry.textContent).toContain('carol@example.org');
    await fireEvent.click(within(entry).getByRole('button', { name: 'Lift the ban' }));
    await vi.waitFor(() =>
      expect(fake.callsOf('rooms:set-affiliation')).toEqual([
        { accountId: ACCOUNT_ID, room: TEAM, jid: 'carol@example.org', affiliation: 'none' },
      ]),
    );
    await vi.waitFor(() => expect(within(settings).queryByTestId('room-list-entry')).toBeNull());

    await fireEvent.click(within(settings).getByRole('tab', { name: 'Members' }));
    await fireEvent.input(within(settings).getByTestId('room-list-add-jid'), { target: { value: 'not an address' } });
    await fireEvent.click(within(settings).getByTestId('room-list-add'));
    expect(within(settings).getByRole('alert').textContent).toContain('Enter the person’s address');
    await fireEvent.input(within(settings).getByTestId('room-list-add-jid'), { target: { value: 'dave@example.org' } });
    await fireEvent.click(within(settings).getByTestId('room-list-add'));
    await vi.waitFor(() =>
      expect(
        within(settings)
          .getAllByTestId('room-list-entry')
          .map((e) => e.dataset.jid),
      ).toEqual(['dave@example.org']),
    );
  });
});

describe('Removed from a room', () => {
  it('a kick says so with the moderator’s reason and offers to join again', async () => {
    const { fake } = await setup(room(TEAM));
    fake.emit('room:updated', room(TEAM, { state: 'error', error: { code: 'room-kicked' }, removalReason: 'Too loud', occupants: [] }));
    flushSync();
    const status = screen.getByTestId('room-status');
    expect(status.textContent).toContain('You were removed from the room by a moderator.');
    expect(within(status).getByTestId('room-removal-reason').textContent).toBe('Reason given: Too loud');
    expect(within(status).getByRole('button', { name: 'Join again' })).toBeTruthy();
  });

  it('a ban says so, with the way out, and offers no "Join again" that could not work', async () => {
    const { fake } = await setup(room(TEAM));
    fake.emit('room:updated', room(TEAM, { state: 'error', error: { code: 'room-banned' }, removalReason: 'Spam', occupants: [] }));
    flushSync();
    const status = screen.getByTestId('room-status');
    expect(status.textContent).toContain('You are banned from this room.');
    expect(status.textContent).toContain('Ask a room admin if you think this is a mistake.');
    expect(status.textContent).toContain('Reason given: Spam');
    expect(within(status).queryByRole('button', { name: 'Join again' })).toBeNull();
  });
});

describe('Creating a room set up first, from the sidebar', () => {
  it('asks rooms:create instead of rooms:join and opens the new room', async () => {
    const fake = createFakeBridge({
      'accounts:list': () => ok([account()]),
      'rooms:create': ({ room: jid, nick }) => ok({ room: room(jid, { nick, locked: true, occupants: [owner] }), form: FORM }),
    });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();
    renderWithForm(app);
    await fireEvent.input(screen.getByTestId('room-join-jid'), { target: { value: TEAM } });
    await fireEvent.click(screen.getByTestId('room-join-configure'));
    await fireEvent.click(screen.getByTestId('room-join-submit'));
    await vi.waitFor(() => expect(app.selected).toBe(ID));
    expect(fake.callsOf('rooms:create')).toEqual([{ accountId: ACCOUNT_ID, room: TEAM, nick: 'alice' }]);
    expect(fake.callsOf('rooms:join')).toEqual([]);
    expect(app.rooms.get(ACCOUNT_ID, TEAM as BareJid)?.locked).toBe(true);
    expect(screen.getByTestId<HTMLInputElement>('room-join-configure').checked).toBe(false);
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
