// What the user may do to someone in a room: offered only as the user's role and affiliation allow
// (XEP-0045 §5.1.2, §5.2.1), sent with the optional reason, kicks and bans confirmed first, and a
// refusal by the room shown in words.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { BareJid } from '$shared/ids.js';
import type { OccupantView } from '$shared/views.js';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { ACCOUNT_ID, createFakeBridge, occupant, ok, room } from '../../test/fake-bridge.js';
import type { Handlers } from '../../test/fake-bridge.js';
import OccupantList from './OccupantList.svelte';
import { occupantActions } from './OccupantActions.svelte';

const TEAM = 'team@conference.example.org';
const jid = (s: string) => s as BareJid;
const me = (over: Partial<OccupantView>) => occupant('alice', { isSelf: true, ...over });

describe('occupantActions: only what the user’s place in the room allows', () => {
  const guest = occupant('carol', { role: 'participant', affiliation: 'none', jid: jid('carol@example.org') });
  const visitor = occupant('vic', { role: 'visitor', affiliation: 'none', jid: jid('vic@example.org') });
  const admin = occupant('ada', { role: 'moderator', affiliation: 'admin', jid: jid('ada@example.org') });
  const owner = occupant('otto', { role: 'moderator', affiliation: 'owner', jid: jid('otto@example.org') });

  it('a participant may do nothing to anyone', () => {
    const self = me({ role: 'participant', affiliation: 'member' });
    for (const t of [guest, visitor, admin, owner]) expect(occupantActions(self, t)).toEqual([]);
  });

  it('nobody acts on themselves', () => {
    expect(occupantActions(me({ role: 'moderator', affiliation: 'owner' }), me({ role: 'moderator', affiliation: 'owner' }))).toEqual([]);
  });

  it('a moderator without affiliation kicks and gives or takes voice from guests, but touches no admin', () => {
    const self = me({ role: 'moderator', affiliation: 'member' });
    expect(occupantActions(self, guest)).toEqual(['kick', 'revoke-voice']);
    expect(occupantActions(self, visitor)).toEqual(['kick', 'grant-voice']);
    expect(occupantActions(self, admin)).toEqual([]);
    expect(occupantActions(self, owner)).toEqual([]);
  });

  it('an admin also bans and edits membership, and makes or unmakes moderators, but not admins or owners', () => {
    const self = me({ role: 'moderator', affiliation: 'admin' });
    expect(occupantActions(self, guest)).toEqual(['kick', 'revoke-voice', 'grant-moderator', 'ban', 'make-member']);
    expect(occupantActions(self, occupant('mo', { role: 'moderator', affiliation: 'member', jid: jid('mo@example.org') }))).toEqual([
      'kick',
      'revoke-moderator',
      'ban',
      'remove-affiliation',
    ]);
    // §8.4: nobody takes an admin's voice; an equal admin may be kicked (not by a lower affiliation), not banned.
    expect(occupantActions(self, admin)).toEqual(['kick']);
    expect(occupantActions(self, owner)).toEqual([]);
  });

  it('an owner also makes admins and owners, and bans admins', () => {
    const self = me({ role: 'moderator', affiliation: 'owner' });
    expect(occupantActions(self, guest)).toEqual([
      'kick',
      'revoke-voice',
      'grant-moderator',
      'ban',
      'make-member',
      'make-admin',
      'make-owner',
    ]);
    expect(occupantActions(self, admin)).toEqual(['kick', 'ban', 'make-member', 'make-owner', 'remove-affiliation']);
  });

  it('without the person’s real address, nothing that goes by address (ban, membership) is offered', () => {
    const self = me({ role: 'moderator', affiliation: 'owner' });
    const anonymous = occupant('carol', { role: 'participant', affiliation: 'none' });
    expect(occupantActions(self, anonymous)).toEqual(['kick', 'revoke-voice', 'grant-moderator']);
  });
});

async function setup(self: Partial<OccupantView>, over: Handlers = {}) {
  const fake = createFakeBridge(over);
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  const r = room(TEAM, {
    occupants: [
      me(self),
      occupant('bob', { role: 'moderator', affiliation: 'owner', jid: jid('bob@example.org') }),
      occupant('carol', { role: 'participant', affiliation: 'none', jid: jid('carol@example.org') }),
    ],
  });
  render(OccupantList, { props: { occupants: r.occupants, room: r }, context: appContext(app) });
  return { fake };
}

const item = (nick: string) => screen.getAllByTestId('occupant-item').find((el) => el.dataset.nick === nick)!;
const actionsShown = () => screen.getAllByTestId('occupant-action').map((b) => b.dataset.action);

describe('OccupantActions in the list of people', () => {
  it('offers nothing to a participant', async () => {
    await setup({ role: 'participant', affiliation: 'none' });
    expect(screen.queryAllByTestId('occupant-manage')).toEqual([]);
  });

  it('an admin manages carol but not the owner; a kick asks first and goes with the reason', async () => {
    const { fake } = await setup({ role: 'moderator', affiliation: 'admin' });
    expect(within(item('bob')).queryByTestId('occupant-manage')).toBeNull();
    await fireEvent.click(within(item('carol')).getByRole('button', { name: 'Manage carol' }));
    expect(actionsShown()).toEqual(['kick', 'revoke-voice', 'grant-moderator', 'ban', 'make-member']);
    expect(screen.getAllByTestId('occupant-action').map((b) => b.textContent)).toContain('Remove from the room');

    await fireEvent.input(screen.getByTestId('occupant-action-reason'), { target: { value: 'Too loud' } });
    await fireEvent.click(screen.getAllByTestId('occupant-action').find((b) => b.dataset.action === 'kick')!);
    expect(fake.callsOf('rooms:set-role')).toEqual([]);
    expect(screen.getByRole('group', { name: 'Remove carol from the room? They can join again.' })).toBeTruthy();
    await fireEvent.click(screen.getByTestId('occupant-action-confirm'));
    await vi.waitFor(() =>
      expect(fake.callsOf('rooms:set-role')).toEqual([
        { accountId: ACCOUNT_ID, room: TEAM, nick: 'carol', role: 'none', reason: 'Too loud' },
      ]),
    );
    expect(await screen.findByRole('status')).toBeTruthy();
  });

  it('bans by real address, and shows a refusal from the room in words', async () => {
    const { fake } = await setup(
      { role: 'moderator', affiliation: 'admin' },
      {
        'rooms:set-affiliation': () => ({ ok: false, error: { code: 'room-forbidden', detail: 'not-allowed' } }),
      },
    );
    await fireEvent.click(within(item('carol')).getByTestId('occupant-manage'));
    await fireEvent.click(screen.getAllByTestId('occupant-action').find((b) => b.dataset.action === 'ban')!);
    await fireEvent.click(screen.getByTestId('occupant-action-confirm'));
    const error = await screen.findByTestId('occupant-action-error');
    expect(fake.callsOf('rooms:set-affiliation')).toEqual([
      { accountId: ACCOUNT_ID, room: TEAM, jid: 'carol@example.org', affiliation: 'outcast' },
    ]);
    expect(error.textContent).toContain('The room did not allow you to do that.');
    expect(error.textContent).toContain('ask one of them');
  });

  it('voice is taken without a question', async () => {
    const { fake } = await setup({ role: 'moderator', affiliation: 'owner' }, { 'rooms:set-role': () => ok(null) });
    await fireEvent.click(within(item('carol')).getByTestId('occupant-manage'));
    await fireEvent.click(screen.getAllByTestId('occupant-action').find((b) => b.dataset.action === 'revoke-voice')!);
    await vi.waitFor(() =>
      expect(fake.callsOf('rooms:set-role')).toEqual([{ accountId: ACCOUNT_ID, room: TEAM, nick: 'carol', role: 'visitor' }]),
    );
  });
});
