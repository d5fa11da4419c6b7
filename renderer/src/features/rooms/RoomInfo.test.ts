// A room's header: "About" asks the room about itself and holds when it notifies; a person in the room
// can be written to privately (XEP-0045 §7.5).
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import {
  ACCOUNT_ID,
  account,
  conversation,
  convId,
  createFakeBridge,
  occupant,
  ok,
  room,
  roomConversation,
} from '../../test/fake-bridge.js';
import type { Handlers } from '../../test/fake-bridge.js';
import type { BareJid } from '$shared/ids.js';
import ChatView from '../chat/ChatView.svelte';
import { featureWords, peopleText } from './RoomInfo.svelte';

const TEAM = 'team@conference.example.org';
const ID = convId(TEAM);

async function setup(over: Handlers = {}) {
  const fake = createFakeBridge({
    'accounts:list': () => ok([account()]),
    'chats:list': () => ok([roomConversation(TEAM, { title: 'Team' })]),
    'rooms:list': () => ok([room(TEAM, { occupants: [occupant('alice', { isSelf: true }), occupant('Bob')] })]),
    'chat:history': () => ok({ messages: [], hasMore: false }),
    'rooms:info': ({ room: jid }) =>
      ok({
        accountId: ACCOUNT_ID,
        jid: jid as BareJid,
        name: 'The <i>Team</i>',
        occupants: 2,
        passwordProtected: false,
        membersOnly: false,
        nonAnonymous: false,
        moderated: false,
        persistent: false,
        public: false,
        archived: false,
      }),
    ...over,
  });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  app.selected = ID;
  const r = render(ChatView, { props: { conversationId: ID }, context: appContext(app) });
  return { fake, app, ...r };
}

describe('RoomInfo in a room’s header', () => {
  it('tells about the room in words and changes when it notifies', async () => {
    const { fake, container } = await setup();
    await fireEvent.click(screen.getByTestId('room-about-toggle'));
    await vi.waitFor(() => expect(screen.getByTestId('room-info-name').textContent).toBe('The <i>Team</i>'));
    expect(container.querySelector('#room-about i')).toBeNull();
    expect(screen.getByTestId('room-info-occupants').textContent).toBe('2 people in it');
    expect([...screen.getByTestId('room-info-features').querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'Only moderators can see real addresses',
      'Open to anyone',
      'Temporary: it disappears when the last person leaves',
      'Not listed in the directory',
    ]);
    const select = screen.getByTestId<HTMLSelectElement>('room-notify');
    expect(select.value).toBe('mentions');
    await fireEvent.change(select, { target: { value: 'all' } });
    expect(fake.callsOf('rooms:set-notify')).toEqual([{ accountId: ACCOUNT_ID, room: TEAM, notify: 'all' }]);
    // The core confirms with the room's new state.
    fake.emit('room:updated', room(TEAM, { notify: 'never', occupants: [occupant('alice', { isSelf: true })] }));
    flushSync();
    expect(screen.getByTestId<HTMLSelectElement>('room-notify').value).toBe('never');
  });

  it('says why when the room does not answer', async () => {
    await setup({ 'rooms:info': () => ({ ok: false, error: { code: 'room-not-found' } }) });
    await fireEvent.click(screen.getByTestId('room-about-toggle'));
    expect((await screen.findByTestId('room-info-error')).textContent).toBeTruthy();
  });

  it('opens a private chat with a person in the room, not with oneself', async () => {
    const pm = conversation(`${TEAM}/Bob`, { kind: 'pm', title: `Bob (private, in ${TEAM})` });
    const { fake, app } = await setup({ 'rooms:open-private': () => ok(pm) });
    const people = screen.getAllByTestId('occupant-item');
    const me = people.find((el) => el.dataset.nick === 'alice')!;
    expect(within(me).queryByTestId('occupant-private')).toBeNull();
    const bob = people.find((el) => el.dataset.nick === 'Bob')!;
    await fireEvent.click(within(bob).getByTestId('occupant-private'));
    await vi.waitFor(() => expect(app.selected).toBe(pm.id));
    expect(fake.callsOf('rooms:open-private')).toEqual([{ accountId: ACCOUNT_ID, room: TEAM, nick: 'Bob' }]);
    expect(app.conversations.get(pm.id)?.kind).toBe('pm');
  });
});

describe('room features in words', () => {
  it('says each feature a person cares about', () => {
    const words = featureWords({
      accountId: ACCOUNT_ID,
      jid: TEAM as BareJid,
      passwordProtected: true,
      membersOnly: true,
      nonAnonymous: true,
      moderated: true,
      persistent: true,
      public: true,
      archived: true,
    });
    expect(words).toEqual([
      'Anyone can see real addresses',
      'Password protected',
      'Members only',
      'Moderated: only people with a voice can write',
      'History is archived',
      'Persistent',
      'Listed in the directory',
    ]);
    expect([peopleText(undefined), peopleText(0), peopleText(1), peopleText(7)]).toEqual([
      undefined,
      'Nobody is in it right now',
      '1 person in it',
      '7 people in it',
    ]);
  });
});
