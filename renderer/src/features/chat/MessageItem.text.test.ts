// A body's links and XEP-0393 styling as a person sees them: real links to http, https and xmpp only,
// styled words in elements, every character of the body still there and never HTML. And the message's
// menu, reached by the "⋯" button, a right click or the keyboard.
import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import { message } from '../../test/fake-bridge.js';
import MessageItem from './MessageItem.svelte';

const BOB = 'bob@example.org';

describe('MessageItem: links and styling', () => {
  it('makes http, https and xmpp addresses links that open outside, and keeps the text as sent', () => {
    const body = 'Agenda: https://example.org/a?b=1 and xmpp:team@conference.example.org?join.';
    render(MessageItem, { props: { message: message(BOB, { body }) } });
    const links = screen.getAllByRole('link');
    expect(links.map((a) => a.getAttribute('href'))).toEqual(['https://example.org/a?b=1', 'xmpp:team@conference.example.org?join']);
    for (const a of links) {
      expect(a.getAttribute('target')).toBe('_blank');
      expect(a.getAttribute('rel')).toBe('noopener noreferrer');
    }
    expect(screen.getByTestId('message-body').textContent).toBe(body);
  });

  it('never makes a link of javascript:, data: or HTML in the body', () => {
    const body = '<a href="javascript:alert(1)">click</a> javascript:alert(1) data:text/html,<script>x</script> &lt;b&gt;';
    const { container } = render(MessageItem, { props: { message: message(BOB, { body }) } });
    expect(container.querySelector('a, script, b')).toBeNull();
    expect(screen.getByTestId('message-body').textContent).toBe(body);
  });

  it('shows *strong*, _emphasis_, ~strike~ and `code` styled, the marks kept but muted', () => {
    const body = '*Strong* _soft_ ~gone~ `x < y`\n> quoted\n```\n*raw*\n```';
    const { container } = render(MessageItem, { props: { message: message(BOB, { body }) } });
    expect(container.querySelector('strong')?.textContent).toBe('*Strong*');
    expect(container.querySelector('em')?.textContent).toBe('_soft_');
    expect(container.querySelector('s')?.textContent).toBe('~gone~');
    expect(container.querySelector('code')?.textContent).toBe('`x < y`');
    expect(container.querySelector('.quote')?.textContent).toBe('> quoted\n');
    expect(container.querySelector('code.block')?.textContent).toBe('```\n*raw*\n```');
    expect(container.querySelector('code.block strong')).toBeNull();
    expect(screen.getByTestId('message-body').textContent).toBe(body);
  });
});

describe('MessageItem: the menu', () => {
  it('opens from the keyboard on the message (Enter, Menu key, Shift+F10) and from a right click', async () => {
    render(MessageItem, { props: { message: message(BOB, { body: 'hi' }) } });
    const item = screen.getByTestId('message-item');
    for (const key of [{ key: 'Enter' }, { key: 'ContextMenu' }, { key: 'F10', shiftKey: true }]) {
      await fireEvent.keyDown(item, key);
      await vi.waitFor(() => expect(screen.getByRole('menu')).toBeTruthy());
      expect(screen.getByRole('menuitem', { name: 'Copy text' })).toBeTruthy();
      await fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
      expect(screen.queryByRole('menu')).toBeNull();
    }
    await fireEvent.contextMenu(item, { clientX: 40, clientY: 50, button: 2 });
    await vi.waitFor(() => expect(screen.getByRole('menu')).toBeTruthy());
  });

  it('has no hidden row of buttons: Delete for everyone is in the menu only', () => {
    render(MessageItem, {
      props: { message: message(BOB, { direction: 'out', state: 'sent', body: 'hi' }), ondelete: async () => undefined },
    });
    expect(screen.queryByTestId('message-delete')).toBeNull();
    expect(screen.getByTestId('message-menu').getAttribute('aria-haspopup')).toBe('menu');
  });
});
