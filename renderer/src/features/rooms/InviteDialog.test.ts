// Inviting someone to a room from its people panel: the address is checked before anything is sent,
// contacts not in the room are offered, the invitation goes to 'rooms:invite', and the outcome is
// said in words.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { ACCOUNT_ID, account, contact, createFakeBridge, occupant, ok, room } from '../../test/fake-bridge.js';
import type { Handlers } from '../../test/fake-bridge.js';
import type { BareJid } from '$shared/ids.js';
import InviteDialog from './InviteDialog.svelte';
import RoomStatus from './RoomStatus.svelte';

const TEA = 'tea@conference.example.org';

async function setup(over: Handlers = {}) {
  const fake = createFakeBridge({
    'accounts:list': () => ok([account()]),
    'roster:snapshot': () =>
      ok({
        contacts: [
          contact('bob@example.org', { name: 'Bob' }),
          contact('carol@example.org', { name: 'Carol' }),
          contact('dan@other.org', { accountId: 'acc-2' as never }),
        ],
        requests: [],
      }),
    ...over,
  });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  const theRoom = room(TEA, {
    occupants: [occupant('alice', { isSelf: true }), occupant('Carol', { jid: 'carol@example.org' as BareJid })],
  });
  const r = render(InviteDialog, { props: { room: theRoom }, context: appContext(app) });
  await fireEvent.click(screen.getByTestId('room-invite-open'));
  return { fake, app, ...r };
}

const input = (id: string) => screen.getByTestId<HTMLInputElement>(id);

describe('Inviting someone to a room', () => {
  it('sends the address and the message to rooms:invite and says it went', async () => {
    const { fake } = await setup({ 'rooms:invite': () => ok(null) });
    await fireEvent.input(input('room-invite-jid'), { target: { value: ' Bob@Example.org ' } });
    await fireEvent.input(input('room-invite-reason'), { target: { value: 'Come for tea' } });
    await fireEvent.click(screen.getByTestId('room-invite-submit'));
    expect((await screen.findByTestId('room-invite-sent')).textContent).toBe('Invitation sent to bob@example.org.');
    expect(fake.callsOf('rooms:invite')).toEqual([
      { accountId: ACCOUNT_ID, room: TEA, invitee: 'bob@example.org', reason: 'Come for tea' },
    ]);
    expect(input('room-invite-jid').value).toBe('');
  });

  it('offers the contacts of this account who are not in the room', async () => {
    await setup();
    const options = [...document.querySelectorAll('datalist option')].map((o) => (o as HTMLOptionElement).value);
    expect(options).toEqual(['bob@example.org']);
  });

  it('does not send anything for an address that is not one', async () => {
    const { fake } = await setup();
    await fireEvent.input(input('room-invite-jid'), { target: { value: 'bob' } });
    await fireEvent.click(screen.getByTestId('room-invite-submit'));
    expect(screen.getByRole('alert').textContent).toContain('Enter the address of the person to invite');
    expect(fake.callsOf('rooms:invite')).toEqual([]);
  });

  it('says why an invitation could not be sent', async () => {
    await setup({ 'rooms:invite': () => ({ ok: false, error: { code: 'not-connected' } }) });
    await fireEvent.input(input('room-invite-jid'), { target: { value: 'bob@example.org' } });
    await fireEvent.click(screen.getByTestId('room-invite-submit'));
    const error = await screen.findByTestId('room-invite-error');
    expect(error.textContent).toContain('This account is not connected right now.');
    expect(screen.queryByTestId('room-invite-sent')).toBeNull();
    await vi.waitFor(() => expect(input('room-invite-jid').value).toBe('bob@example.org'));
  });
});

describe('A room whose connection is lost (XEP-0410 self-ping)', () => {
  it('says so above the messages, and nothing once the room answers again', async () => {
    const r = render(RoomStatus, { props: { room: { state: 'joined', unreachable: true }, onrejoin: async () => undefined } });
    expect(screen.getByTestId('room-status').dataset.state).toBe('unreachable');
    expect(screen.getByTestId('room-status').textContent).toContain('The connection to this room is lost. Vireo keeps trying to reach it.');
    await r.rerender({ room: { state: 'joined' }, onrejoin: async () => undefined });
    expect(screen.queryByTestId('room-status')).toBeNull();
  });
});
