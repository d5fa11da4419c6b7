// A room notice (someone removed or banned, and why) is a line of the history, not a message: no
// sender, no delivery state, nothing to delete or remove, and its words (made here from what happened,
// lib/notice-text.ts) shown as text.
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { message } from '../../test/fake-bridge.js';
import MessageItem from './MessageItem.svelte';

const ROOM = 'tea@conference.example.org';

describe('MessageItem: a room notice', () => {
  it('reads as a line of the history, with nothing to act on', () => {
    const body = 'Carol was removed from the room by Alice: “<b>Too</b> loud”';
    render(MessageItem, {
      props: {
        message: message(ROOM, {
          notice: { kind: 'removed', nick: 'Carol', cause: 'kicked', actor: 'Alice', reason: '<b>Too</b> loud' },
          body: '',
          senderNick: undefined,
        }),
        ondelete: vi.fn(async () => undefined),
        onremove: vi.fn(async () => undefined),
      },
    });
    const note = screen.getByRole('note');
    expect(note.dataset.testid).toBe('room-notice');
    expect(note.querySelector('span')!.textContent).toBe(body);
    expect(note.querySelector('b')).toBeNull();
    expect(note.querySelector('time')).toBeTruthy();
    expect(screen.queryByTestId('message-item')).toBeNull();
    expect(screen.queryAllByRole('button')).toEqual([]);
  });

  it('keeps a nickname’s override inside the nickname, so the window’s words after it read in order', () => {
    render(MessageItem, {
      props: { message: message(ROOM, { notice: { kind: 'role', nick: 'eve\u202E', change: 'moderator' }, body: '' }) },
    });
    expect(screen.getByTestId('room-notice').querySelector('span')!.textContent).toBe('\u2068eve\u202E\u202C\u2069 is now a moderator.');
  });
});
