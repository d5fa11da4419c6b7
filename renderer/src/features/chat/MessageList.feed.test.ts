// The conversation as a person reads it: days, where unread starts, one sender's messages grouped;
// one Tab stop with Up and Down between messages (WAI-ARIA feed); new incoming messages said aloud.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { Thread } from '../../stores/messages.svelte.js';
import type { MessageView } from '$shared/views.js';
import { message } from '../../test/fake-bridge.js';
import MessageList from './MessageList.svelte';

const ROOM = 'team@conference.example.org';
const BOB = 'bob@example.org';
const today = (h: number, m = 0) => {
  const d = new Date();
  d.setHours(h, m, 0, 0);
  return d.getTime();
};
const yesterday = (h: number) => today(h) - 24 * 3600_000;

function setup(messages: MessageView[], props: { unread?: number; name?: string } = {}) {
  const thread: Thread = { messages, hasMore: false, loaded: true, loading: false };
  const r = render(MessageList, { props: { thread, onloadolder: vi.fn(), ...props } });
  const update = (next: MessageView[]) => {
    thread.messages = next;
    r.rerender({ thread: { ...thread }, onloadolder: vi.fn(), ...props });
    flushSync();
  };
  return { update };
}

describe('MessageList: days, unread and groups', () => {
  it('labels each day, marks where unread starts, and names a sender once per group', () => {
    const list = [
      message(ROOM, { senderNick: 'Bob', body: 'late one', timestamp: yesterday(23) }),
      message(ROOM, { senderNick: 'Bob', body: 'morning', timestamp: today(0, 1) }),
      message(ROOM, { senderNick: 'Bob', body: 'still me', timestamp: today(0, 3) }),
      message(ROOM, { senderNick: 'Carol', body: 'hi', timestamp: today(0, 4) }),
      message(ROOM, { senderNick: 'Carol', body: 'unread', timestamp: today(0, 5) }),
    ];
    setup(list, { unread: 1 });
    expect([...document.querySelectorAll('.day')].map((d) => d.textContent)).toEqual(['Yesterday', 'Today']);
    expect(screen.getAllByTestId('message-sender').map((s) => s.textContent)).toEqual(['Bob', 'Bob', 'Carol', 'Carol']);
    const line = screen.getByTestId('unread-line');
    expect(line.textContent).toBe('New messages');
    expect(line.closest('article')?.textContent).toContain('unread');
  });
});

describe('MessageList: keyboard (feed)', () => {
  it('is one Tab stop, the newest message; Up and Down move between messages', async () => {
    const list = [message(BOB, { body: 'one' }), message(BOB, { body: 'two' }), message(BOB, { body: 'three' })];
    setup(list);
    const feed = screen.getByRole('feed');
    expect(feed.getAttribute('aria-label')).toBe('Messages');
    const articles = screen.getAllByRole('article');
    expect(articles.map((a) => a.tabIndex)).toEqual([-1, -1, 0]);
    expect(articles.map((a) => a.getAttribute('aria-posinset'))).toEqual(['1', '2', '3']);
    expect(articles[0]!.getAttribute('aria-setsize')).toBe('3');
    articles[2]!.focus();
    await fireEvent.keyDown(articles[2]!, { key: 'ArrowUp' });
    expect(document.activeElement).toBe(articles[1]);
    expect(articles.map((a) => a.tabIndex)).toEqual([-1, 0, -1]);
    await fireEvent.keyDown(articles[1]!, { key: 'Home' });
    expect(document.activeElement).toBe(articles[0]);
    await fireEvent.keyDown(articles[0]!, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(articles[1]);
  });

  it('keeps the links of other messages out of the Tab order', () => {
    setup([message(BOB, { body: 'https://example.org/one' }), message(BOB, { body: 'https://example.org/two' })]);
    expect(screen.getAllByRole('link').map((a) => a.tabIndex)).toEqual([-1, 0]);
  });
});

describe('MessageList: announcing new messages', () => {
  it('says a new incoming message politely, not the history already there nor our own', () => {
    const first = [message(BOB, { body: 'old news' })];
    const { update } = setup(first, { name: 'Bob' });
    const live = screen.getByTestId('message-announcer');
    expect(live.getAttribute('aria-live')).toBe('polite');
    expect(live.textContent).toBe('');
    const withMine = [...first, message(BOB, { direction: 'out', state: 'sent', body: 'mine' })];
    update(withMine);
    expect(live.textContent).toBe('');
    const more = [...withMine, message(BOB, { body: 'see you at 5' })];
    update(more);
    expect(live.textContent).toBe('Bob: see you at 5');
  });
});
