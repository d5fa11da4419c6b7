// A long conversation (a burst in a busy room) keeps only the newest messages in the DOM while the
// reader follows them; the earlier ones come back when asked for, before older pages are loaded.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { Thread } from '../../stores/messages.svelte.js';
import { message } from '../../test/fake-bridge.js';
import MessageList, { MAX_SHOWN, STEP, WINDOW } from './MessageList.svelte';

const ROOM = 'team@conference.example.org';
const many = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => message(ROOM, { body: `say ${from + i}`, timestamp: 1000 + from + i }));
const shown = () => screen.getAllByTestId('message-body').map((b) => b.textContent);

function setup(messages = many(400), hasMore = false) {
  const onloadolder = vi.fn();
  const thread: Thread = { messages, hasMore, loaded: true, loading: false };
  const r = render(MessageList, { props: { thread, onloadolder } });
  const update = (t: Partial<Thread>) => {
    Object.assign(thread, t);
    r.rerender({ thread: { ...thread }, onloadolder });
    flushSync();
  };
  return { onloadolder, update, thread };
}

// Hundreds of messages rendered in jsdom: slow on a loaded machine, as the node project allows for.
describe('MessageList', { timeout: 30_000 }, () => {
  it('renders the newest messages of a long thread, at most WINDOW of them', () => {
    setup();
    const list = shown();
    expect(list.length).toBeLessThanOrEqual(WINDOW);
    expect(list.length).toBeGreaterThan(WINDOW - STEP);
    expect(list.at(-1)).toBe('say 399');
    expect(screen.getByRole('button', { name: 'Load older messages' })).toBeTruthy();
  });

  it('following the newest, the window moves with a burst', async () => {
    const { update, thread } = setup();
    update({ messages: [...thread.messages, ...many(600, 400)] });
    const list = shown();
    expect(list.length).toBeLessThanOrEqual(WINDOW);
    expect(list.at(-1)).toBe('say 999');
  });

  it('brings earlier messages back STEP at a time, then asks for older pages', async () => {
    const { onloadolder } = setup(many(200), true);
    const before = shown().length;
    await fireEvent.click(screen.getByRole('button', { name: 'Load older messages' }));
    expect(shown().length).toBe(Math.min(200, MAX_SHOWN, before + STEP));
    expect(onloadolder).not.toHaveBeenCalled();
    while (shown()[0] !== 'say 0') await fireEvent.click(screen.getByRole('button', { name: 'Load older messages' }));
    expect(shown().length).toBeLessThanOrEqual(MAX_SHOWN);
    await fireEvent.click(screen.getByRole('button', { name: 'Load older messages' }));
    expect(onloadolder).toHaveBeenCalledTimes(1);
  });

  it('a reader who scrolled up keeps the messages they read while new ones arrive', async () => {
    const { update, thread } = setup();
    const first = shown()[0];
    await fireEvent.wheel(screen.getByRole('feed'), { deltaY: -120 });
    update({ messages: [...thread.messages, ...many(300, 400)], arrived: 300 });
    expect(shown()[0]).toBe(first);
    // The DOM stays bounded; "Jump to newest" says how many came and goes there.
    expect(shown().length).toBeLessThanOrEqual(MAX_SHOWN);
    const jump = screen.getByTestId('jump-to-newest');
    expect(jump.textContent).toContain('300 new');
    await fireEvent.click(jump);
    expect(shown().at(-1)).toBe('say 699');
    expect(shown().length).toBeLessThanOrEqual(WINDOW);
    expect(screen.queryByTestId('jump-to-newest')).toBeNull();
  });

  it('a chat left scrolled up opens again where its reader was', async () => {
    const onleave = vi.fn();
    const thread: Thread = { messages: many(400), hasMore: false, loaded: true, loading: false };
    const first = render(MessageList, { props: { thread, onloadolder: vi.fn(), onleave } });
    flushSync();
    await fireEvent.wheel(screen.getByRole('feed'), { deltaY: -120 });
    await fireEvent.click(screen.getByRole('button', { name: 'Load older messages' }));
    const before = shown();
    first.unmount();
    // (jsdom lays nothing out: which shown message is at the top is the browser's to say.)
    const position = onleave.mock.calls[0]?.[0] as { id: string; offset: number };
    const top = thread.messages.find((m) => m.id === position.id)?.body;
    expect(before).toContain(top);
    render(MessageList, { props: { thread, onloadolder: vi.fn(), position } });
    flushSync();
    expect(shown()).toContain(top);
    expect(screen.getByTestId('jump-to-newest')).toBeTruthy();
  });

  it('a reader far up in a thread the store windowed asks for the newer pages, and jumps to the newest', async () => {
    const onjumpnewest = vi.fn();
    const onloadnewer = vi.fn();
    const thread: Thread = { messages: many(250), hasMore: true, hasNewer: true, loaded: true, loading: false };
    render(MessageList, { props: { thread, onloadolder: vi.fn(), onloadnewer, onjumpnewest } });
    flushSync();
    expect(shown().length).toBeLessThanOrEqual(MAX_SHOWN);
    // Down past the last message shown: the next page is asked for.
    const articles = screen.getByRole('feed').querySelectorAll('article');
    const last = articles[articles.length - 1]!;
    last.focus();
    await fireEvent.keyDown(last, { key: 'ArrowDown' });
    expect(onloadnewer).toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('jump-to-newest'));
    expect(onjumpnewest).toHaveBeenCalledTimes(1);
  });
});
