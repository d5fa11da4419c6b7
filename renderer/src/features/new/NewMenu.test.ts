// The "+" menu as a person uses it: each entry opens a dialog; adding a contact opens their chat and says
// so in a toast; creating a room configures it with its name, persistent, public or members-only;
// contacts are renamed and removed from a row's menu; pending requests are one row that opens them.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { toasts } from '../../stores/toasts.svelte.js';
import { ACCOUNT_ID, account, contact, conversation, convId, createFakeBridge, ok, room } from '../../test/fake-bridge.js';
import type { Handlers } from '../../test/fake-bridge.js';
import type { BareJid, Timestamp } from '$shared/ids.js';
import NewMenu from './NewMenu.svelte';
import PendingRow from './PendingRow.svelte';

async function setup(over: Handlers = {}, component: typeof NewMenu | typeof PendingRow = NewMenu) {
  const fake = createFakeBridge({
    'accounts:list': () => ok([account()]),
    'roster:snapshot': () => ok({ contacts: [contact('bob@example.org', { name: 'Bob' })], requests: [] }),
    ...over,
  });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  const r = render(component, { context: appContext(app) });
  return { fake, app, ...r };
}

async function choose(name: string) {
  await fireEvent.click(screen.getByRole('button', { name: 'New chat, contact or room' }));
  await fireEvent.click(screen.getByRole('menuitem', { name }));
}

const input = (id: string) => screen.getByTestId<HTMLInputElement>(id);

describe('the New menu', () => {
  it('offers each thing to start, as a dialog', async () => {
    await setup();
    await fireEvent.click(screen.getByRole('button', { name: 'New chat, contact or room' }));
    expect(screen.getAllByRole('menuitem').map((i) => i.textContent)).toEqual([
      'Start a chat',
      'Add contact',
      'Join a room',
      'Create a room',
      'Browse rooms',
      'Contacts',
    ]);
    await fireEvent.click(screen.getByRole('menuitem', { name: 'Join a room' }));
    const dialog = screen.getByRole('dialog', { name: 'Join a room' });
    expect(document.activeElement).toBe(within(dialog).getByLabelText('Room address'));
  });

  it('offers Create a room from Browse rooms, for when the wanted room is not listed', async () => {
    await setup({ 'rooms:browse': () => ok({ accountId: ACCOUNT_ID, service: 'conference.example.org', services: [], rooms: [] }) });
    await choose('Browse rooms');
    await vi.waitFor(() => expect(screen.getByText('This service lists no public rooms.')).toBeTruthy());
    await fireEvent.click(screen.getByTestId('browse-rooms-create'));
    expect(screen.queryByRole('dialog', { name: 'Browse rooms' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('dialog', { name: 'Create a room' }).querySelector('#create-room-name'));
  });

  it('adds a contact, opens their chat and says so', async () => {
    const { fake, app } = await setup({ 'chat:open': ({ peer }) => ok(conversation(peer)) });
    await choose('Add contact');
    await fireEvent.input(input('add-contact-jid'), { target: { value: 'carol@example.org' } });
    await fireEvent.input(input('add-contact-name'), { target: { value: 'Carol' } });
    await fireEvent.click(screen.getByTestId('add-contact-submit'));
    await vi.waitFor(() => expect(app.selected).toBe(convId('carol@example.org')));
    expect(fake.callsOf('roster:add')).toEqual([{ accountId: ACCOUNT_ID, jid: 'carol@example.org', name: 'Carol' }]);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(toasts.list.map((t) => t.text)).toContain('Carol added');
  });

  it('starts a chat with a contact, or with a typed address', async () => {
    const { app } = await setup({ 'chat:open': ({ peer }) => ok(conversation(peer)) });
    await choose('Start a chat');
    const rows = screen.getAllByTestId('start-chat-contact');
    expect(rows.map((r) => r.dataset.jid)).toEqual(['bob@example.org']);
    await fireEvent.input(input('start-chat-query'), { target: { value: 'dave@example.org' } });
    expect(screen.queryAllByTestId('start-chat-contact')).toHaveLength(0);
    await fireEvent.submit(input('start-chat-query').form!);
    await vi.waitFor(() => expect(app.selected).toBe(convId('dave@example.org')));
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('creates a room with its name, persistent and members-only, and opens it', async () => {
    const TEAM = 'team-room@conference.example.org';
    const form = {
      fields: ['muc#roomconfig_roomname', 'muc#roomconfig_persistentroom', 'muc#roomconfig_publicroom', 'muc#roomconfig_membersonly'].map(
        (v) => ({ var: v, type: 'text-single' as const, label: v, required: false, values: [], options: [] }),
      ),
    };
    const { fake, app } = await setup({
      'rooms:browse': () => ok({ accountId: ACCOUNT_ID, service: 'conference.example.org', services: [], rooms: [] }),
      'rooms:create': ({ room: jid }) => ok({ room: room(jid), form }),
      'rooms:configure': ({ room: jid }) => ok(room(jid, { name: 'Team room' })),
    });
    await choose('Create a room');
    await vi.waitFor(() => expect(input('create-room-service').value).toBe('conference.example.org'));
    await fireEvent.input(input('create-room-name'), { target: { value: 'Team room' } });
    expect(input('create-room-address').value).toBe('team-room');
    await fireEvent.click(screen.getByTestId('create-room-members'));
    await fireEvent.click(screen.getByTestId('create-room-submit'));
    await vi.waitFor(() => expect(app.selected).toBe(room(TEAM).conversationId));
    expect(fake.callsOf('rooms:create')).toEqual([{ accountId: ACCOUNT_ID, room: TEAM, nick: 'alice' }]);
    expect(fake.callsOf('rooms:configure')).toEqual([
      {
        accountId: ACCOUNT_ID,
        room: TEAM,
        values: {
          'muc#roomconfig_roomname': 'Team room',
          'muc#roomconfig_persistentroom': true,
          'muc#roomconfig_publicroom': false,
          'muc#roomconfig_membersonly': true,
        },
      },
    ]);
    expect(screen.queryByRole('dialog')).toBeNull();
  });

  it('renames and removes contacts from the row menu, with no buttons on the row', async () => {
    const { fake } = await setup();
    await choose('Contacts');
    const row = screen.getByTestId('contact-item');
    expect(
      within(row)
        .getAllByRole('button')
        .map((b) => b.getAttribute('aria-label') ?? 'open'),
    ).toEqual(['open', 'Actions for Bob']);
    await fireEvent.click(within(row).getByRole('button', { name: 'Actions for Bob' }));
    await fireEvent.click(screen.getByRole('menuitem', { name: 'Rename…' }));
    const rename = screen.getByRole('dialog', { name: 'Rename contact' });
    expect(document.activeElement).toBe(input('contact-rename-input'));
    await fireEvent.input(input('contact-rename-input'), { target: { value: 'Bobby' } });
    await fireEvent.submit(input('contact-rename-input').form!);
    await vi.waitFor(() => expect(rename.isConnected).toBe(false));
    expect(fake.callsOf('roster:rename')).toEqual([{ accountId: ACCOUNT_ID, jid: 'bob@example.org', name: 'Bobby' }]);
    // The contacts dialog is still there, under it.
    expect(screen.getByRole('dialog', { name: 'Contacts' })).toBeTruthy();

    await fireEvent.contextMenu(row, { clientX: 40, clientY: 40 });
    await fireEvent.click(await screen.findByRole('menuitem', { name: 'Remove…' }));
    await fireEvent.click(screen.getByTestId('contact-remove-confirm'));
    await vi.waitFor(() => expect(fake.callsOf('roster:remove')).toEqual([{ accountId: ACCOUNT_ID, jid: 'bob@example.org' }]));
  });
});

describe('the pending row', () => {
  it('says how many wait, opens them in a dialog, and goes once all are answered', async () => {
    const { fake } = await setup(
      {
        'roster:snapshot': () =>
          ok({ contacts: [], requests: [{ accountId: ACCOUNT_ID, jid: 'dave@example.org' as BareJid, receivedAt: 1 as Timestamp }] }),
        'rooms:invitations': () =>
          ok([
            {
              accountId: ACCOUNT_ID,
              room: 'team@conference.example.org' as BareJid,
              kind: 'direct' as const,
              hasPassword: false,
              receivedAt: 2 as Timestamp,
              inviter: 'eve@example.org',
            },
          ]),
      },
      PendingRow,
    );
    const row = await screen.findByTestId('pending-row');
    await vi.waitFor(() => expect(row.textContent).toContain('1 contact request · 1 room invitation'));
    await fireEvent.click(row);
    const dialog = screen.getByRole('dialog', { name: 'Requests and invitations' });
    expect(within(dialog).getByRole('heading', { name: 'Contact requests' })).toBeTruthy();
    expect(within(dialog).getByTestId('invitation').dataset.room).toBe('team@conference.example.org');
    await fireEvent.click(within(dialog).getByTestId('request-accept'));
    await vi.waitFor(() => expect(fake.callsOf('roster:accept')).toEqual([{ accountId: ACCOUNT_ID, jid: 'dave@example.org' }]));
  });
});
