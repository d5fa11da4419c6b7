import '@testing-library/svelte/vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
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

  it.each([
    ['pending', 'Sending…', ''],
    ['sent', 'Sent', '✓'],
    ['delivered', 'Delivered', '✓✓'],
    ['read', 'Read', '✓✓'],
    ['failed', 'Failed', ''],
  ] as const)('says %s as "%s" (ticks: "%s") with a label for screen readers', (state, words, ticks) => {
    render(MessageItem, { props: { message: message('bob@example.org', { direction: 'out', state }) } });
    const el = screen.getByTestId('message-state');
    expect(el.getAttribute('aria-label')).toBe(words);
    expect(el.getAttribute('role')).toBe('img');
    expect(el.textContent?.replace(/\s+/g, '')).toBe(`${ticks}${words}`);
    expect(el.classList.contains(state)).toBe(true);
    expect(screen.queryByTestId('message-retry')).toBeNull();
  });

  it('says why a message failed and offers Retry', async () => {
    const onretry = vi.fn(async () => undefined);
    const failed = message('bob@example.org', {
      direction: 'out',
      state: 'failed',
      error: { kind: 'bounced', condition: 'remote-server-timeout', domain: 'example.org' },
    });
    render(MessageItem, { props: { message: failed, onretry } });
    expect(screen.getByTestId('message-error').textContent).toBe(
      'Could not reach example.org: its server did not answer. Try again later.',
    );
    const retry = screen.getByTestId('message-retry');
    expect(retry.textContent?.trim()).toBe('Retry');
    expect(retry.getAttribute('aria-describedby')).toBe(screen.getByTestId('message-error').id);
    await fireEvent.click(retry);
    expect(onretry).toHaveBeenCalledWith(failed);
  });

  it('has a sentence for a failed message without a reason', () => {
    render(MessageItem, {
      props: { message: message('bob@example.org', { direction: 'out', state: 'failed' }), onretry: vi.fn() },
    });
    expect(screen.getByTestId('message-error').textContent).toBe('This message could not be sent.');
  });
});

describe('MessageItem encryption (OMEMO)', () => {
  it('shows a lock labelled "Encrypted" on encrypted messages only', () => {
    const { unmount } = render(MessageItem, {
      props: { message: message('bob@example.org', { encrypted: true, senderTrust: 'verified' }) },
    });
    const lock = screen.getByTestId('message-lock');
    expect(lock.getAttribute('role')).toBe('img');
    expect(lock.getAttribute('aria-label')).toBe('Encrypted');
    expect(screen.queryByTestId('message-warning')).toBeNull();
    unmount();
    render(MessageItem, { props: { message: message('bob@example.org') } });
    expect(screen.queryByTestId('message-lock')).toBeNull();
  });

  it('shows the message’s warning under it, as text (one an older Vireo stored as a sentence too)', () => {
    const warning = 'This message came unencrypted into an encrypted chat. <b>Careful</b>';
    const { container } = render(MessageItem, {
      props: { message: message('bob@example.org', { body: 'hi <i>there</i>', warning: { kind: 'legacy', text: warning } }) },
    });
    const note = screen.getByTestId('message-warning');
    expect(note.getAttribute('role')).toBe('note');
    expect(note.textContent).toContain(warning);
    expect(screen.getByTestId('message-body').textContent).toBe('hi <i>there</i>');
    expect(container.querySelector('b, i')).toBeNull();
  });

  it('says so when the sender’s device is not verified or distrusted, unless the warning covers it', () => {
    const { unmount } = render(MessageItem, {
      props: { message: message('bob@example.org', { encrypted: true, senderTrust: 'undecided' }) },
    });
    expect(screen.getByTestId('message-warning').textContent).toContain('from a device you have not verified');
    unmount();
    const second = render(MessageItem, {
      props: { message: message('bob@example.org', { encrypted: true, senderTrust: 'distrusted' }) },
    });
    expect(screen.getByTestId('message-warning').textContent).toContain('device you distrusted');
    second.unmount();
    render(MessageItem, {
      props: { message: message('bob@example.org', { encrypted: true, senderTrust: 'undecided', warning: { kind: 'unverified-device' } }) },
    });
    expect(screen.getAllByTestId('message-warning').map((el) => el.textContent?.trim())).toEqual([
      '⚠ This message came from a device you have not verified. Compare fingerprints in the contact’s devices to be sure it is theirs.',
    ]);
  });

  it('shows the warning of a message that could not be decrypted', () => {
    render(MessageItem, {
      props: {
        message: message('bob@example.org', { body: '', encrypted: true, warning: { kind: 'undecryptable', reason: 'no-session' } }),
      },
    });
    expect(screen.getByTestId('message-warning').textContent).toContain(
      'This message could not be decrypted. There is no encrypted session with the sender’s device yet, so this message cannot be read.',
    );
  });
});
