// Deleted messages (XEP-0424/0425) as the user sees them: tombstones in words, "Delete for everyone"
// on the user's own messages and "Remove" for room moderators, each behind a confirmation.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { AppState, appContext } from '../../stores/app.svelte.js';
import { account, convId, createFakeBridge, message, occupant, ok, room, roomConversation } from '../../test/fake-bridge.js';
import type { MessageView } from '$shared/views.js';
import MessageItem from './MessageItem.svelte';
import ChatView from './ChatView.svelte';

const TEAM = 'team@conference.example.org';

/** The message's actions are in its menu ("⋯"): open it and pick one. */
async function choose(testid: 'message-delete' | 'message-remove') {
  await fireEvent.click(screen.getByTestId('message-menu'));
  await fireEvent.click(screen.getByTestId(testid));
}
/** Whether the message's menu offers an action. */
async function offers(testid: string): Promise<boolean> {
  const button = screen.queryByTestId('message-menu');
  if (!button) return false;
  await fireEvent.click(button);
  const found = !!screen.queryByTestId(testid);
  await fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
  return found;
}

describe('MessageItem tombstones', () => {
  it('says who deleted a message, in words, without its text', () => {
    const { unmount } = render(MessageItem, {
      props: { message: message('bob@example.org', { direction: 'out', state: 'sent', body: '', retracted: { by: 'sender', at: 1 } }) },
    });
    expect(screen.getByTestId('message-tombstone').textContent).toBe('You deleted this message');
    expect(screen.queryByTestId('message-body')).toBeNull();
    unmount();
    render(MessageItem, { props: { message: message(TEAM, { senderNick: 'Bob', body: '', retracted: { by: 'sender', at: 1 } }) } });
    expect(screen.getByTestId('message-tombstone').textContent).toBe('Bob deleted this message');
  });

  it('shows a moderator’s reason as text, never as HTML', () => {
    const reason = '<img src=x onerror=alert(1)> spam';
    const { container } = render(MessageItem, {
      props: { message: message(TEAM, { senderNick: 'Carol', body: '', retracted: { by: 'moderator', at: 1, reason } }) },
    });
    expect(screen.getByTestId('message-tombstone').textContent).toBe(`Removed by a moderator: ${reason}`);
    expect(container.querySelector('img')).toBeNull();
  });

  it('offers no action on a tombstone', async () => {
    render(MessageItem, {
      props: {
        message: message(TEAM, { direction: 'out', state: 'sent', body: '', retracted: { by: 'moderator', at: 1 } }),
        ondelete: vi.fn(),
        onremove: vi.fn(),
      },
    });
    expect(await offers('message-delete')).toBe(false);
    expect(await offers('message-remove')).toBe(false);
  });
});

describe('MessageItem: Delete for everyone', () => {
  it('is offered on the user’s own messages that reached the server, not on others’ or unsent ones', async () => {
    const ondelete = vi.fn();
    const cases: [Partial<MessageView>, boolean][] = [
      [{ direction: 'out', state: 'sent' }, true],
      [{ direction: 'out', state: 'read' }, true],
      [{ direction: 'out', state: 'pending' }, false],
      [{ direction: 'out', state: 'failed' }, false],
      [{ direction: 'in', state: 'received' }, false],
    ];
    for (const [over, shown] of cases) {
      const { unmount } = render(MessageItem, { props: { message: message('bob@example.org', over), ondelete } });
      expect(await offers('message-delete')).toBe(shown);
      unmount();
    }
  });

  it('asks first; Cancel keeps the message, Delete calls the core once', async () => {
    const mine = message('bob@example.org', { direction: 'out', state: 'delivered', body: 'oops' });
    const ondelete = vi.fn(async () => undefined);
    render(MessageItem, { props: { message: mine, ondelete } });
    await choose('message-delete');
    const confirm = screen.getByTestId('message-confirm');
    expect(confirm.textContent).toContain('Delete this message for everyone?');
    await fireEvent.click(screen.getByTestId('message-confirm-no'));
    expect(screen.queryByTestId('message-confirm')).toBeNull();
    expect(ondelete).not.toHaveBeenCalled();

    await choose('message-delete');
    await fireEvent.click(screen.getByTestId('message-confirm-yes'));
    await vi.waitFor(() => expect(screen.queryByTestId('message-confirm')).toBeNull());
    expect(ondelete).toHaveBeenCalledTimes(1);
    expect(ondelete).toHaveBeenCalledWith(mine);
  });

  it('says in words why it could not be deleted, and keeps the choice open', async () => {
    const ondelete = vi.fn(async () => ({ code: 'not-connected' as const }));
    render(MessageItem, { props: { message: message('bob@example.org', { direction: 'out', state: 'sent' }), ondelete } });
    await choose('message-delete');
    await fireEvent.click(screen.getByTestId('message-confirm-yes'));
    const confirm = screen.getByTestId('message-confirm');
    await vi.waitFor(() => expect(within(confirm).getByRole('alert').textContent).toContain('This account is not connected right now.'));
  });
});

describe('MessageItem: Remove (room moderators)', () => {
  it('is offered on others’ messages only, and sends the reason typed', async () => {
    const onremove = vi.fn(async () => undefined);
    const { unmount } = render(MessageItem, { props: { message: message(TEAM, { direction: 'out', state: 'sent' }), onremove } });
    expect(await offers('message-remove')).toBe(false);
    unmount();
    const spam = message(TEAM, { senderNick: 'Carol', body: 'buy cheap watches' });
    render(MessageItem, { props: { message: spam, onremove } });
    await choose('message-remove');
    expect(screen.getByTestId('message-confirm').textContent).toContain('Remove Carol’s message for everyone in this room?');
    await fireEvent.input(screen.getByTestId('message-remove-reason'), { target: { value: '  spam  ' } });
    await fireEvent.click(screen.getByTestId('message-confirm-yes'));
    await vi.waitFor(() => expect(onremove).toHaveBeenCalledWith(spam, 'spam'));
  });
});

describe('ChatView in a room: deleting and removing', () => {
  const ID = convId(TEAM);

  async function setup(selfRole: 'moderator' | 'participant', messages: MessageView[]) {
    const fake = createFakeBridge({
      'accounts:list': () => ok([account()]),
      'chats:list': () => ok([roomConversation(TEAM, { title: 'Team' })]),
      'rooms:list': () => ok([room(TEAM, { occupants: [occupant('alice', { isSelf: true, role: selfRole }), occupant('Carol')] })]),
      'chat:history': () => ok({ messages, hasMore: false }),
    });
    setBridgeForTests(fake.bridge);
    const app = new AppState(api);
    await app.start();
    app.selected = ID;
    render(ChatView, { props: { conversationId: ID }, context: appContext(app) });
    await vi.waitFor(() => expect(screen.queryAllByTestId('message-item')).toHaveLength(messages.length));
    return fake;
  }

  it('a moderator removes a message; the room’s answer turns it into a tombstone', async () => {
    const spam = message(TEAM, { senderNick: 'Carol', body: 'buy cheap watches' });
    const fake = await setup('moderator', [spam]);
    const tomb: MessageView = { ...spam, body: '', retracted: { by: 'moderator', at: 2, reason: 'spam' } };
    fake.handlers['rooms:moderate'] = () => ok(tomb);
    await choose('message-remove');
    await fireEvent.input(screen.getByTestId('message-remove-reason'), { target: { value: 'spam' } });
    await fireEvent.click(screen.getByTestId('message-confirm-yes'));
    await vi.waitFor(() => expect(screen.getByTestId('message-tombstone').textContent).toBe('Removed by a moderator: spam'));
    expect(fake.callsOf('rooms:moderate')).toEqual([{ messageId: spam.id, reason: 'spam' }]);
    expect(screen.getByTestId('chat-view').textContent).not.toContain('buy cheap watches');
  });

  it('offers Remove to moderators only; anyone sees a message deleted elsewhere become a tombstone', async () => {
    const theirs = message(TEAM, { senderNick: 'Carol', body: 'wrong room, sorry' });
    const fake = await setup('participant', [theirs]);
    expect(await offers('message-remove')).toBe(false);
    fake.emit('message:updated', { ...theirs, body: '', retracted: { by: 'sender', at: 3 } });
    flushSync();
    expect(screen.getByTestId('message-tombstone').textContent).toBe('Carol deleted this message');
    expect(screen.getByTestId('chat-view').textContent).not.toContain('wrong room, sorry');
  });
});
