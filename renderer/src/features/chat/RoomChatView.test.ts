// A room's conversation in the chat view: subject, who is in it (with roles), who wrote what, Leave,
// and a way back in when the user is out.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { ACCOUNT_ID, account, convId, createFakeBridge, message, occupant, ok, room, roomConversation } from '../../test/fake-bridge.js';
import type { MessageView } from '$shared/views.js';
import ChatView from './ChatView.svelte';

const TEAM = 'team@conference.example.org';
const ID = convId(TEAM);

async function setup(messages: MessageView[] = []) {
  const fake = createFakeBridge({
    'accounts:list': () => ok([account()]),
    'chats:list': () => ok([roomConversation(TEAM, { title: 'Team' })]),
    'rooms:list': () => ok([room(TEAM, { subject: 'Release on Friday' })]),
    'chat:history': () => ok({ messages, hasMore: false }),
    'chat:send': ({ body }) => ok(message(TEAM, { direction: 'out', state: 'pending', body, senderNick: 'alice' })),
  });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  app.selected = ID;
  const r = render(ChatView, { props: { conversationId: ID }, context: appContext(app) });
  await vi.waitFor(() => expect(fake.callsOf('chat:history')).toHaveLength(1));
  await vi.waitFor(() => expect(screen.queryAllByTestId('message-item')).toHaveLength(messages.length));
  return { fake, app, ...r };
}

const nicks = () => screen.getAllByTestId('occupant-item').map((el) => el.dataset.nick);

describe('ChatView for a room', () => {
  it('shows the subject and the people in the room with their roles, following room:updated', async () => {
    const { fake } = await setup();
    expect(screen.getByTestId('chat-view').querySelector('h2')?.textContent).toBe('Team');
    expect(screen.getByTestId('room-subject').textContent).toBe('Release on Friday');
    expect(screen.getByTestId('room-occupant-count').textContent).toBe('1 person');

    fake.emit(
      'room:updated',
      room(TEAM, {
        subject: 'Release moved to Monday',
        occupants: [
          occupant('alice', { isSelf: true }),
          occupant('zed', { role: 'moderator', affiliation: 'owner' }),
          occupant('bob', { role: 'visitor', presence: 'away' }),
        ],
      }),
    );
    flushSync();
    expect(screen.getByTestId('room-subject').textContent).toBe('Release moved to Monday');
    expect(screen.getByTestId('room-occupant-count').textContent).toBe('3 people');
    expect(nicks()).toEqual(['zed', 'alice', 'bob']);
    const zed = screen.getAllByTestId('occupant-item')[0]!;
    expect(within(zed).getByTestId('occupant-role').textContent).toBe('Moderator');
    expect(within(zed).getByTestId('occupant-affiliation').textContent).toBe('Owner');
    const self = screen.getAllByTestId('occupant-item').find((el) => el.dataset.self === 'true')!;
    expect(self.dataset.nick).toBe('alice');
    expect(self.textContent).toContain('(you)');
    expect(screen.getAllByTestId('occupant-item')[2]!.textContent).toContain('Visitor');

    // The panel folds away.
    await fireEvent.click(screen.getByTestId('occupant-toggle'));
    expect(screen.queryByTestId('occupant-list')).toBeNull();
  });

  it('calls the room by its name in the header, with its address under it, as text', async () => {
    const { fake } = await setup();
    const title = () => screen.getByTestId('chat-view').querySelector('h2')!;
    expect(screen.getByTestId('chat-address').textContent).toBe(TEAM);

    fake.emit('room:updated', room(TEAM, { name: 'Release <i>crew</i>', subject: 'Release on Friday' }));
    flushSync();
    expect(title().textContent).toBe('Release <i>crew</i>');
    expect(title().querySelector('i')).toBeNull();
    expect(screen.getByTestId('chat-address').textContent).toBe(TEAM);
    expect(screen.getByLabelText('Message to Release <i>crew</i>')).toBe(screen.getByTestId('composer'));
  });

  it('shows who wrote each incoming message, and sends with the room’s conversation id', async () => {
    const { fake } = await setup([
      message(TEAM, { body: 'morning all', senderNick: 'zed' }),
      message(TEAM, { body: 'hi', direction: 'out', state: 'sent', senderNick: 'alice' }),
    ]);
    const senders = screen.getAllByTestId('message-sender');
    expect(senders.map((el) => el.textContent)).toEqual(['zed']);
    expect(screen.getAllByTestId('message-item')[0]!.textContent).toContain('morning all');

    await fireEvent.input(screen.getByTestId('composer'), { target: { value: 'hello room' } });
    await fireEvent.keyDown(screen.getByTestId('composer'), { key: 'Enter' });
    expect(fake.callsOf('chat:send')).toEqual([{ conversationId: ID, body: 'hello room' }]);
  });

  it('leaves with rooms:leave, then says so and offers to join again', async () => {
    const { fake } = await setup();
    fake.handlers['rooms:join'] = ({ room: jid, nick }) => ok(room(jid, { nick }));
    await fireEvent.click(screen.getByTestId('room-leave'));
    expect(fake.callsOf('rooms:leave')).toEqual([{ accountId: ACCOUNT_ID, room: TEAM }]);
    const status = await screen.findByTestId('room-status');
    expect(status.dataset.state).toBe('left');
    expect(status.textContent).toContain('You left this room.');
    expect(screen.queryByTestId('room-leave')).toBeNull();
    expect(screen.getByTestId<HTMLTextAreaElement>('composer').disabled).toBe(true);

    await fireEvent.click(screen.getByTestId('room-rejoin'));
    await vi.waitFor(() => expect(screen.queryByTestId('room-status')).toBeNull());
    expect(fake.callsOf('rooms:join')).toEqual([{ accountId: ACCOUNT_ID, room: TEAM, nick: 'alice' }]);
  });

  it('says in words why the user is out of the room', async () => {
    const { fake } = await setup();
    fake.emit('room:updated', room(TEAM, { state: 'error', error: { code: 'room-members-only' }, occupants: [] }));
    flushSync();
    const status = screen.getByTestId('room-status');
    expect(status.dataset.state).toBe('error');
    expect(status.textContent).toContain('Only members can enter this room.');
    expect(within(status).getByRole('button', { name: 'Join again' })).toBeTruthy();
  });
});
