import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { message } from '../../test/fake-bridge.js';
import MessageItem from './MessageItem.svelte';

describe('MessageItem', () => {
  it('renders a body that looks like HTML as literal text', () => {
    const body = '<img src=x onerror=alert(1)><script>alert(2)</script><b>bold</b>';
    const { container } = render(MessageItem, { props: { message: message('bob@example.org', { body }) } });
    expect(screen.getByTestId('message-body').textContent).toBe(body);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
  });

  it('shows direction and delivery state of our own messages', () => {
    render(MessageItem, {
      props: { message: message('bob@example.org', { direction: 'out', state: 'pending', body: 'hi' }) },
    });
    const item = screen.getByTestId('message-item');
    expect(item.dataset.direction).toBe('out');
    expect(item.dataset.state).toBe('pending');
    expect(item.textContent).toContain('Sending…');
  });

  it('shows Failed for a message that could not be sent, and no state for received ones', () => {
    const { unmount } = render(MessageItem, {
      props: { message: message('bob@example.org', { direction: 'out', state: 'failed' }) },
    });
    expect(screen.getByTestId('message-item').textContent).toContain('Failed');
    unmount();
    render(MessageItem, { props: { message: message('bob@example.org') } });
    expect(screen.getByTestId('message-item').dataset.direction).toBe('in');
    expect(screen.queryByTestId('message-state')).toBeNull();
  });
});
