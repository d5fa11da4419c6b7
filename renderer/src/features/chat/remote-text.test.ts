// Remote text cannot reorder the window (issue #11 §6): a subject, a name, a nickname, a body or a
// reason carrying U+202E RIGHT-TO-LEFT OVERRIDE is held in its own isolate, and the words Vireo puts
// around it stay outside, where the override cannot reach them.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { isolate } from '$lib/bidi.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { expectIsolated, expectNoLeak, hostile } from '../../test/bidi.js';
import { account, contact, conversation, convId, createFakeBridge, message, ok, room, roomConversation } from '../../test/fake-bridge.js';
import ChatView from './ChatView.svelte';
import ChatList from './ChatList.svelte';
import { conversationRows } from '../../stores/conversations.svelte.js';
import MessageItem from './MessageItem.svelte';

const TEAM = 'team@conference.example.org';
const BOB = 'bob@example.org';

async function show(peer: string, handlers: Parameters<typeof createFakeBridge>[0]) {
  const fake = createFakeBridge({
    'accounts:list': () => ok([account()]),
    'chat:history': () => ok({ messages: [], hasMore: false }),
    ...handlers,
  });
  setBridgeForTests(fake.bridge);
  const app = new AppState(api);
  await app.start();
  app.selected = convId(peer);
  render(ChatView, { props: { conversationId: convId(peer) }, context: appContext(app) });
  await vi.waitFor(() => expect(fake.callsOf('chat:history')).toHaveLength(1));
  return screen.getByTestId('chat-view');
}

describe('remote text in a conversation', () => {
  it('a room’s subject and name: isolated in the header, the address and separator outside', async () => {
    const subject = hostile('Holiday photos ');
    const name = hostile('Team ');
    const view = await show(TEAM, {
      'chats:list': () => ok([roomConversation(TEAM, { title: name })]),
      'rooms:list': () => ok([room(TEAM, { name, subject })]),
    });
    const line = screen.getByTestId('room-subject').parentElement!;
    expectIsolated(screen.getByTestId('room-subject'), subject);
    expectIsolated(line, TEAM, ' · ');
    expectIsolated(view.querySelector('h2')!, name);
    // The composer's placeholder carries the room's name: isolated there too.
    expect(screen.getByTestId('composer').getAttribute('placeholder')).toBe(
      `Message to ${isolate(name)} (Enter to send, Shift+Enter for a new line)`,
    );
    expectNoLeak(view);
  });

  it('a contact’s name and status message: isolated in the header, presence in words outside', async () => {
    const name = hostile('Bob ');
    const status = hostile('out ');
    const view = await show(BOB, {
      'chats:list': () => ok([conversation(BOB, { title: name })]),
      'roster:snapshot': () => ok({ contacts: [contact(BOB, { name, status, presence: 'away' })], requests: [] }),
    });
    expectIsolated(view.querySelector('h2')!, name);
    expectIsolated(view.querySelector('.sub')!, status, 'Away — ');
    expectNoLeak(view);
  });

  it('the chat list: a title and the last message isolated, "You:" outside', () => {
    const title = hostile('Bob ');
    const body = hostile('see the ');
    const { container } = render(ChatList, {
      props: {
        rows: conversationRows({
          conversations: [conversation(BOB, { title, lastMessage: { direction: 'out', body } })],
          rooms: [],
          contact: () => undefined,
          messages: () => [],
          roomState: () => '',
        }),
        now: Date.now(),
        onopen: () => {},
      },
    });
    const item = screen.getByTestId('chat-item');
    expectIsolated(item, title);
    expectIsolated(item.querySelector('.preview')!, body, 'You: ');
    expectNoLeak(container);
  });

  it('a message: the sender’s nickname and the body isolated, "mentioned you" outside', () => {
    const nick = hostile('eve');
    const body = hostile('invoice ');
    const { container } = render(MessageItem, {
      props: { message: message(TEAM, { body, senderNick: nick, mentionsMe: true }) },
    });
    const sender = container.querySelector('.sender')!;
    expectIsolated(sender, nick, ' mentioned you');
    expectIsolated(screen.getByTestId('message-body'), body);
    expectNoLeak(container);
  });

  it('a deleted message: who deleted it and a moderator’s reason isolated in the sentence', () => {
    const nick = hostile('eve');
    const reason = hostile('spam ');
    const byAuthor = render(MessageItem, { props: { message: message(TEAM, { senderNick: nick, retracted: { by: 'sender', at: 1 } }) } });
    expectIsolated(screen.getByTestId('message-tombstone'), nick, ' deleted this message');
    expectNoLeak(byAuthor.container);
    byAuthor.unmount();
    const byModerator = render(MessageItem, {
      props: { message: message(TEAM, { senderNick: nick, retracted: { by: 'moderator', at: 1, reason } }) },
    });
    expectIsolated(screen.getByTestId('message-tombstone'), reason, 'Removed by a moderator: ');
    expectNoLeak(byModerator.container);
  });

  it('a moderator’s question names the sender isolated; a room notice is isolated from its time', async () => {
    const nick = hostile('eve');
    const item = render(MessageItem, {
      props: { message: message(TEAM, { senderNick: nick }), onremove: async () => undefined },
    });
    await fireEvent.click(screen.getByTestId('message-menu'));
    await fireEvent.click(screen.getByTestId('message-remove'));
    expectIsolated(screen.getByTestId('message-confirm'), nick, '’s message for everyone in this room?');
    expectNoLeak(item.container);
    item.unmount();
    const notice = hostile('eve was removed from the room: ');
    const n = render(MessageItem, { props: { message: message(TEAM, { body: '', notice: { kind: 'legacy', text: notice } }) } });
    expectIsolated(screen.getByTestId('room-notice'), notice);
    expectNoLeak(n.container);
  });
});
