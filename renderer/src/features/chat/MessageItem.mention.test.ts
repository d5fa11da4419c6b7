// A room message that mentions the user is marked and said in words; its text stays text.
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { message } from '../../test/fake-bridge.js';
import MessageItem from './MessageItem.svelte';

const ROOM = 'tea@rooms.example.org';

describe('MessageItem mentions', () => {
  it('marks a message that mentions the user, with its HTML-looking text kept as text', () => {
    const body = 'alice: <img src=x onerror=alert(1)> <b>look</b>';
    const { container } = render(MessageItem, { props: { message: message(ROOM, { body, senderNick: 'Bob', mentionsMe: true }) } });
    const item = screen.getByTestId('message-item');
    expect(item.dataset.mention).toBe('true');
    expect(item.classList.contains('mention')).toBe(true);
    expect(screen.getByTestId('message-mentions-you').textContent).toContain('mentioned you');
    expect(screen.getByTestId('message-body').textContent).toBe(body);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
  });

  it('does not mark other messages', () => {
    render(MessageItem, { props: { message: message(ROOM, { body: 'hello all', senderNick: 'Bob' }) } });
    const item = screen.getByTestId('message-item');
    expect(item.dataset.mention).toBeUndefined();
    expect(item.classList.contains('mention')).toBe(false);
    expect(screen.queryByTestId('message-mentions-you')).toBeNull();
  });
});
