// Remote text cannot reorder the window (issue #11 §6), in rooms: room names and addresses, nicknames,
// a moderator's reason, invitations and the lists of a room's settings each sit in their own isolate,
// with Vireo's words around them outside it.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { expectIsolated, expectNoLeak, hostile } from '../../test/bidi.js';
import { ACCOUNT_ID, account, createFakeBridge, occupant, ok, room, roomConversation, type Handlers } from '../../test/fake-bridge.js';
import type { BareJid } from '$shared/ids.js';
import InvitationList from './InvitationList.svelte';
import OccupantList from './OccupantList.svelte';
import RoomInfo from './RoomInfo.svelte';
import ChatList from '../chat/ChatList.svelte';
import { conversationRows } from '../../stores/conversations.svelte.js';
import { roomStateText } from '$lib/format.js';
import RoomSettings from './RoomSettings.svelte';
import RoomStatus from './RoomStatus.svelte';
import Sidebar from '../../layout/Sidebar.svelte';
import RoomBrowser from './RoomBrowser.svelte';
import type { AccountId } from '$shared/ids.js';

const TEAM = 'team@conference.example.org';
const jid = (s: string) => s as BareJid;

async function appWith(handlers: Handlers = {}) {
  const fake = createFakeBridge({ 'accounts:list': () => ok([account()]), ...handlers });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  return { fake, app };
}

describe('remote text in rooms', () => {
  it('room names: isolated in the conversation list, with the state in words outside', () => {
    const name = hostile('Team ');
    const rows = conversationRows({
      conversations: [],
      rooms: [room(TEAM, { name, state: 'joining' })],
      contact: () => undefined,
      messages: () => [],
      roomState: roomStateText,
    });
    const { container } = render(ChatList, { props: { rows, now: Date.now(), onopen: () => {} } });
    expectIsolated(screen.getByTestId('chat-title'), name, 'Room:');
    expect(screen.getByTestId('room-state').textContent).toBe('Joining…');
    expectNoLeak(container);
  });

  it('what a room says about itself (name, description) is isolated', async () => {
    const name = hostile('Team ');
    const description = hostile('Our ');
    const { fake, app } = await appWith({
      'rooms:info': () =>
        ok({
          accountId: ACCOUNT_ID,
          jid: jid(TEAM),
          name,
          description,
          passwordProtected: false,
          membersOnly: false,
          nonAnonymous: false,
          moderated: false,
          persistent: true,
          public: true,
          archived: true,
        }),
    });
    const { container } = render(RoomInfo, { props: { accountId: ACCOUNT_ID, jid: jid(TEAM) }, context: appContext(app) });
    await vi.waitFor(() => expect(fake.callsOf('rooms:info')).toHaveLength(1));
    await vi.waitFor(() => expectIsolated(screen.getByTestId('room-info-name'), name));
    expectIsolated(screen.getByTestId('room-info-description'), description);
    expectNoLeak(container);
  });

  it('the room directory: names, addresses and the service isolated, the count in words outside', async () => {
    const name = hostile('Lounge ');
    const service = 'conference.example.org';
    const { app } = await appWith({
      'rooms:browse': () => ok({ accountId: ACCOUNT_ID, service, services: [service], rooms: [{ jid: jid(`lounge@${service}`), name }] }),
    });
    const { container } = renderWithForm(app);
    await fireEvent.click(screen.getByTestId('room-browser-open'));
    await vi.waitFor(() => expect(screen.getAllByTestId('room-browser-item')).toHaveLength(1));
    expectIsolated(screen.getByTestId('room-browser-item'), name);
    expectIsolated(screen.getByTestId('room-browser-count'), service, '1 room on ');
    expectNoLeak(container);
  });

  it('nicknames and real addresses in the people list: isolated, "(you)" outside', () => {
    const mine = hostile('me');
    const nick = hostile('eve');
    const { container } = render(OccupantList, {
      props: { occupants: [occupant(mine, { isSelf: true }), occupant(nick, { jid: jid('eve@example.org') })] },
    });
    const rows = screen.getAllByTestId('occupant-item');
    const self = rows.find((el) => el.dataset.self === 'true')!;
    const eve = rows.find((el) => el.dataset.self === undefined)!;
    expectIsolated(self, mine, ' (you)');
    expectIsolated(eve, nick);
    expectIsolated(eve, 'eve@example.org');
    expectNoLeak(container);
  });

  it('a moderator’s question names the person isolated', async () => {
    const nick = hostile('eve');
    const { app } = await appWith();
    const r = room(TEAM, {
      occupants: [occupant('alice', { isSelf: true, role: 'moderator', affiliation: 'owner' }), occupant(nick)],
    });
    const { container } = render(OccupantList, { props: { occupants: r.occupants, room: r }, context: appContext(app) });
    await fireEvent.click(screen.getByTestId('occupant-manage'));
    await fireEvent.click(screen.getAllByTestId('occupant-action').find((b) => b.dataset.action === 'kick')!);
    expectIsolated(screen.getByTestId('occupant-actions'), nick, ' from the room? They can join again.');
    expectNoLeak(container);
  });

  it('a moderator’s reason for removing the user: isolated after "Reason given:"', () => {
    const reason = hostile('spam ');
    const { container } = render(RoomStatus, {
      props: { room: { state: 'left', removalReason: reason, error: { code: 'room-kicked' } }, onrejoin: async () => undefined },
    });
    expectIsolated(screen.getByTestId('room-removal-reason'), reason, 'Reason given: ');
    expectNoLeak(container);
  });

  it('invitations: who invites, to which room, their words and a decline, each isolated in the sentence', async () => {
    const name = hostile('Bob ');
    const reason = hostile('tea ');
    const { fake, app } = await appWith({
      'rooms:invitations': () =>
        ok([
          {
            accountId: ACCOUNT_ID,
            room: jid(TEAM),
            kind: 'direct',
            inviter: 'bob@example.org',
            inviterName: name,
            reason,
            hasPassword: false,
            receivedAt: 1,
          },
        ]),
    });
    const { container } = render(InvitationList, { context: appContext(app) });
    await vi.waitFor(() => expect(screen.getAllByTestId('invitation')).toHaveLength(1));
    const who = screen.getByTestId('invitation-inviter');
    expectIsolated(who, name, ' (');
    expectIsolated(who, 'bob@example.org');
    expectIsolated(screen.getByTestId('invitation-room'), TEAM);
    expectIsolated(screen.getByTestId('invitation-reason'), reason, '”');
    fake.emit('room:invite-declined', {
      accountId: ACCOUNT_ID,
      room: jid(TEAM),
      decliner: 'carol@example.org',
      declinerName: name,
      reason,
    });
    flushSync();
    const declined = screen.getByTestId('invite-declined');
    expectIsolated(declined, name, ' declined your invitation to ');
    expectIsolated(declined, reason);
    expectNoLeak(container);
  });

  it('the member list of a room’s settings: address and reserved nickname isolated, brackets outside', async () => {
    const nick = hostile('eve');
    const { app } = await appWith({
      'chats:list': () => ok([roomConversation(TEAM)]),
      'rooms:list-affiliation': () => ok([{ jid: jid('eve@example.org'), affiliation: 'member', nick }]),
    });
    const r = room(TEAM, { occupants: [occupant('alice', { isSelf: true, role: 'moderator', affiliation: 'owner' })] });
    const { container } = render(RoomSettings, { props: { room: r, onclose: () => {} }, context: appContext(app) });
    await vi.waitFor(() => expect(screen.getAllByTestId('room-list-entry')).toHaveLength(1));
    const entry = screen.getByTestId('room-list-entry');
    expectIsolated(entry, 'eve@example.org');
    expectIsolated(entry, nick, ' (');
    expectNoLeak(container);
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
