// Finding a room: the account's service is browsed, the list is filtered as the person types, a
// picked room says what it is (features in words) and is joined from there. Room names are text.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { ACCOUNT_ID, account, convId, createFakeBridge, ok, room } from '../../test/fake-bridge.js';
import type { Handlers } from '../../test/fake-bridge.js';
import type { BareJid } from '$shared/ids.js';
import type { RoomInfoView, RoomListingView } from '$shared/views.js';
import Sidebar from '../../layout/Sidebar.svelte';
import RoomBrowser from './RoomBrowser.svelte';
import type { AccountId } from '$shared/ids.js';

const SERVICE = 'conference.example.org';
const listing = (local: string, name?: string): RoomListingView => ({ jid: `${local}@${SERVICE}` as BareJid, ...(name ? { name } : {}) });
const ROOMS = [
  listing('lounge', 'The Lounge'),
  listing('kitchen', 'Kitchen'),
  listing('evil', '<img src=x onerror=alert(1)>'),
  listing('attic'),
];

function infoOf(jid: string, over: Partial<RoomInfoView> = {}): RoomInfoView {
  return {
    accountId: ACCOUNT_ID,
    jid: jid as BareJid,
    passwordProtected: false,
    membersOnly: false,
    nonAnonymous: false,
    moderated: false,
    persistent: true,
    public: true,
    archived: true,
    ...over,
  };
}

async function setup(over: Handlers = {}) {
  const fake = createFakeBridge({
    'accounts:list': () => ok([account()]),
    'rooms:browse': ({ service }) => ok({ accountId: ACCOUNT_ID, service: service ?? SERVICE, services: [SERVICE], rooms: ROOMS }),
    ...over,
  });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  const r = renderWithForm(app);
  await fireEvent.click(screen.getByTestId('room-browser-open'));
  return { fake, app, ...r };
}

const items = () => screen.queryAllByTestId('room-browser-item').map((el) => el.dataset.room);

describe('RoomBrowser', () => {
  it('lists the rooms of the account’s service, names as text, and filters them as one types', async () => {
    const { fake, container } = await setup();
    await vi.waitFor(() => expect(items()).toHaveLength(4));
    expect(fake.callsOf('rooms:browse')).toEqual([{ accountId: ACCOUNT_ID }]);
    expect(screen.getByTestId('room-browser-count').textContent).toContain(`4 rooms on ${SERVICE}`);
    // A name that looks like HTML is shown as it is, never as markup.
    const evil = screen.getAllByTestId('room-browser-item').find((el) => el.dataset.room === `evil@${SERVICE}`)!;
    expect(evil.textContent).toContain('<img src=x onerror=alert(1)>');
    expect(container.querySelector('.browser img')).toBeNull();
    // Without a name, the room's local part stands for it.
    expect(screen.getAllByTestId('room-browser-item').find((el) => el.dataset.room === `attic@${SERVICE}`)!.textContent).toContain('attic');

    await fireEvent.input(screen.getByTestId('room-browser-filter'), { target: { value: 'LOUN' } });
    expect(items()).toEqual([`lounge@${SERVICE}`]);
    expect(screen.getByTestId('room-browser-count').textContent).toContain('1 room match');
    await fireEvent.input(screen.getByTestId('room-browser-filter'), { target: { value: 'kitchen@' } });
    expect(items()).toEqual([`kitchen@${SERVICE}`]);
    await fireEvent.input(screen.getByTestId('room-browser-filter'), { target: { value: 'nothing like it' } });
    expect(items()).toEqual([]);
    expect(screen.getByTestId('room-browser').textContent).toContain('No room matches.');
  });

  it('shows what a picked room is, in words, and joins it (with its password)', async () => {
    const kitchen = `kitchen@${SERVICE}`;
    const { fake, app } = await setup({
      'rooms:info': ({ room: jid }) =>
        ok(
          infoOf(jid, {
            name: 'Kitchen',
            description: 'Crumbs <b>only</b>',
            occupants: 3,
            passwordProtected: true,
            membersOnly: true,
            nonAnonymous: true,
            moderated: true,
          }),
        ),
      'rooms:join': ({ room: jid, password }) =>
        password === 'crumbs' ? ok(room(jid)) : { ok: false, error: { code: 'room-password-required' } },
    });
    await vi.waitFor(() => expect(items()).toHaveLength(4));
    const item = screen.getAllByTestId('room-browser-item').find((el) => el.dataset.room === kitchen)!;
    await fireEvent.click(within(item).getByRole('button'));
    await vi.waitFor(() => expect(screen.getByTestId('room-info-features')).toBeTruthy());
    expect(fake.callsOf('rooms:info')).toEqual([{ accountId: ACCOUNT_ID, room: kitchen }]);
    const features = [...screen.getByTestId('room-info-features').querySelectorAll('li')].map((li) => li.textContent);
    expect(features).toEqual([
      'Anyone can see real addresses',
      'Password protected',
      'Members only',
      'Moderated: only people with a voice can write',
      'History is archived',
      'Persistent',
      'Listed in the directory',
    ]);
    expect(screen.getByTestId('room-info-occupants').textContent).toBe('3 people in it');
    expect(screen.getByTestId('room-info-description').textContent).toBe('Crumbs <b>only</b>');

    // Password protected: the field is there before the first try.
    await fireEvent.input(screen.getByTestId('room-browser-password'), { target: { value: 'crumbs' } });
    await fireEvent.click(screen.getByTestId('room-browser-join'));
    await vi.waitFor(() => expect(app.selected).toBe(convId(kitchen)));
    expect(fake.callsOf('rooms:join')).toEqual([{ accountId: ACCOUNT_ID, room: kitchen, nick: 'alice', password: 'crumbs' }]);
    expect(screen.queryByTestId('room-browser')).toBeNull();
  });

  it('says when the server has no group chats, and browses a service the person names', async () => {
    const { fake } = await setup({
      'rooms:browse': ({ service }) =>
        service
          ? ok({ accountId: ACCOUNT_ID, service, services: [service], rooms: [listing('lounge', 'The Lounge')] })
          : { ok: false, error: { code: 'rooms-no-service' } },
    });
    const error = await screen.findByTestId('room-browser-error');
    expect(error.textContent).toContain('Your server does not seem to offer group chats.');
    await fireEvent.input(screen.getByTestId('room-browser-service'), { target: { value: 'chat.other.org' } });
    await fireEvent.click(screen.getByTestId('room-browser-show'));
    await vi.waitFor(() => expect(items()).toEqual([`lounge@${SERVICE}`]));
    expect(fake.callsOf('rooms:browse').at(-1)).toEqual({ accountId: ACCOUNT_ID, service: 'chat.other.org' });
    expect(screen.queryByTestId('room-browser-error')).toBeNull();
  });

  it('draws the first 200 of a big directory and finds the rest through the filter', async () => {
    const many = Array.from({ length: 1500 }, (_, i) => listing(`room${i}`, `Room ${i}`));
    await setup({ 'rooms:browse': () => ok({ accountId: ACCOUNT_ID, service: SERVICE, services: [SERVICE], rooms: many }) });
    await vi.waitFor(() => expect(items()).toHaveLength(200));
    expect(screen.getByTestId('room-browser-more').textContent).toContain('1300 more');
    await fireEvent.input(screen.getByTestId('room-browser-filter'), { target: { value: 'room 1499' } });
    expect(items()).toEqual([`room1499@${SERVICE}`]);
    expect(screen.queryByTestId('room-browser-more')).toBeNull();
  });
});

/** The sidebar (the conversation list) and the form that the New menu's dialog holds, wired as the dialog wires it. */
function renderWithForm(app: AppState) {
  const r = render(Sidebar, { context: appContext(app) });
  render(RoomBrowser, {
    props: {
      accounts: app.accounts.list,
      onjoin: (a: AccountId, room: string, nick: string, pw: string | undefined) => app.joinRoom(a, room as BareJid, nick, pw),
    },
    context: appContext(app),
  });
  return r;
}
