// Pending room invitations in the sidebar: who invites and why (as text, never markup), Accept joins
// and opens the room (asking for the password when the room wants one), Decline answers it, and a
// decline of the user's own invitation is shown until dismissed.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { ACCOUNT_ID, account, convId, createFakeBridge, ok, room } from '../../test/fake-bridge.js';
import type { Handlers } from '../../test/fake-bridge.js';
import type { BareJid } from '$shared/ids.js';
import type { RoomInvitationView } from '$shared/views.js';
import InvitationList from './InvitationList.svelte';

const TEA = 'tea@conference.example.org';
const CLUB = 'club@conference.example.org';

function invitation(roomJid: string, over: Partial<RoomInvitationView> = {}): RoomInvitationView {
  return { accountId: ACCOUNT_ID, room: roomJid as BareJid, kind: 'direct', hasPassword: false, receivedAt: 1_700_000_000_000, ...over };
}

async function setup(list: RoomInvitationView[], over: Handlers = {}) {
  const fake = createFakeBridge({ 'accounts:list': () => ok([account()]), 'rooms:invitations': () => ok(list), ...over });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  const r = render(InvitationList, { context: appContext(app) });
  await vi.waitFor(() => expect(fake.callsOf('rooms:invitations')).toHaveLength(1));
  await vi.waitFor(() => expect(screen.queryAllByTestId('invitation')).toHaveLength(list.length));
  return { fake, app, ...r };
}

const item = (roomJid: string) => screen.getAllByTestId('invitation').find((el) => el.dataset.room === roomJid)!;

describe('Room invitations', () => {
  it('shows who invites, to which room and why, as plain text', async () => {
    await setup([
      invitation(TEA, { inviter: 'bob@example.org', inviterName: 'Bob <script>', reason: '<b>Tea</b> at five', hasPassword: true }),
      invitation(CLUB, { kind: 'mediated', inviter: `${CLUB}/Carol`, inviterName: 'Carol', receivedAt: 1_700_000_100_000 }),
    ]);
    // Newest first.
    expect(screen.getAllByTestId('invitation').map((el) => el.dataset.room)).toEqual([CLUB, TEA]);
    const tea = item(TEA);
    expect(within(tea).getByTestId('invitation-inviter').textContent).toBe('Bob <script> (bob@example.org)');
    expect(within(tea).getByTestId('invitation-room').textContent).toBe(TEA);
    expect(within(tea).getByTestId('invitation-reason').textContent).toBe('“<b>Tea</b> at five”');
    expect(tea.querySelector('b, script')).toBeNull();
    const club = item(CLUB);
    expect(within(club).getByTestId('invitation-inviter').textContent).toBe('Carol (in the room)');
    expect(club.textContent).toContain('Sent through the room.');
  });

  it('Accept joins the room, opens it and removes the invitation', async () => {
    const { fake, app } = await setup([invitation(TEA, { inviter: 'bob@example.org' })], {
      'rooms:accept-invitation': ({ room: jid }) => ok(room(jid)),
    });
    await fireEvent.click(within(item(TEA)).getByTestId('invitation-accept'));
    await vi.waitFor(() => expect(app.selected).toBe(convId(TEA)));
    expect(fake.callsOf('rooms:accept-invitation')).toEqual([{ accountId: ACCOUNT_ID, room: TEA }]);
    expect(screen.queryAllByTestId('invitation')).toHaveLength(0);
    expect(app.rooms.get(ACCOUNT_ID, TEA as BareJid)?.state).toBe('joined');
  });

  it('asks for the password when the room refuses without one, and sends it with the next Accept', async () => {
    const { fake } = await setup([invitation(TEA, { inviter: 'bob@example.org' })], {
      'rooms:accept-invitation': ({ room: jid, password }) =>
        password === 's3cret' ? ok(room(jid)) : { ok: false, error: { code: 'room-password-required' } },
    });
    expect(screen.queryByTestId('invitation-password')).toBeNull();
    await fireEvent.click(within(item(TEA)).getByTestId('invitation-accept'));
    const error = await screen.findByTestId('invitation-error');
    expect(error.textContent).toContain('This room needs a password.');
    const field = screen.getByTestId<HTMLInputElement>('invitation-password');
    await vi.waitFor(() => expect(document.activeElement).toBe(field));
    await fireEvent.input(field, { target: { value: 's3cret' } });
    await fireEvent.click(within(item(TEA)).getByTestId('invitation-accept'));
    await vi.waitFor(() => expect(screen.queryAllByTestId('invitation')).toHaveLength(0));
    expect(fake.callsOf('rooms:accept-invitation').at(-1)).toEqual({ accountId: ACCOUNT_ID, room: TEA, password: 's3cret' });
  });

  it('Decline answers the invitation; a failure says why and keeps it', async () => {
    let online = false;
    const { fake } = await setup([invitation(TEA, { kind: 'mediated', inviter: 'bob@example.org' })], {
      'rooms:decline-invitation': () => (online ? ok(null) : { ok: false, error: { code: 'not-connected' } }),
    });
    await fireEvent.click(within(item(TEA)).getByTestId('invitation-decline'));
    expect((await screen.findByTestId('invitation-error')).textContent).toContain('This account is not connected right now.');
    expect(screen.getAllByTestId('invitation')).toHaveLength(1);
    online = true;
    await fireEvent.click(within(item(TEA)).getByTestId('invitation-decline'));
    await vi.waitFor(() => expect(screen.queryAllByTestId('invitation')).toHaveLength(0));
    expect(fake.callsOf('rooms:decline-invitation')).toEqual([
      { accountId: ACCOUNT_ID, room: TEA },
      { accountId: ACCOUNT_ID, room: TEA },
    ]);
  });

  it('follows pushed invitations, and shows a decline of ours until dismissed', async () => {
    const { fake } = await setup([]);
    expect(screen.queryByTestId('invitations')).toBeNull();
    fake.emit('room:invitations', { accountId: ACCOUNT_ID, invitations: [invitation(CLUB, { inviter: 'dan@example.org' })] });
    flushSync();
    expect(screen.getAllByTestId('invitation').map((el) => el.dataset.room)).toEqual([CLUB]);
    fake.emit('room:invite-declined', {
      accountId: ACCOUNT_ID,
      room: TEA as BareJid,
      decliner: 'bob@example.org',
      declinerName: 'Bob',
      reason: 'Not today',
    });
    flushSync();
    const notice = screen.getByTestId('invite-declined');
    expect(notice.textContent).toContain('Bob (bob@example.org) declined your invitation to');
    expect(notice.textContent).toContain('“Not today”');
    await fireEvent.click(within(notice).getByTestId('invite-declined-dismiss'));
    expect(screen.queryByTestId('invite-declined')).toBeNull();
    // The answered list replaces what was pending.
    fake.emit('room:invitations', { accountId: ACCOUNT_ID, invitations: [] });
    flushSync();
    expect(screen.queryByTestId('invitations')).toBeNull();
  });
});
