// The lock of an encrypted message names the sender's OMEMO device and its trust, in words (its
// label and tooltip); as plain text, whatever the message says.
import '@testing-library/svelte/vitest';
import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { message } from '../../test/fake-bridge.js';
import MessageItem from './MessageItem.svelte';

const BOB = 'bob@example.org';

describe('MessageItem: the sender’s OMEMO device', () => {
  it.each([
    ['verified', 'Encrypted by device 1234 (verified)'],
    ['trusted', 'Encrypted by device 1234 (trusted, not verified)'],
    ['undecided', 'Encrypted by device 1234 (not decided yet)'],
    ['distrusted', 'Encrypted by device 1234 (distrusted)'],
  ] as const)('says which device encrypted a received message (%s)', (trust, words) => {
    render(MessageItem, { props: { message: message(BOB, { encrypted: true, senderDevice: 1234, senderTrust: trust }) } });
    const lock = screen.getByTestId('message-lock');
    // Outside a chat view nothing can show the device: the lock is a picture with words.
    expect(lock.getAttribute('role')).toBe('img');
    expect(lock.getAttribute('aria-label')).toBe(words);
    expect(lock.getAttribute('title')).toBe(words);
    expect(lock.dataset.deviceId).toBe('1234');
  });

  it('names no device for our own messages or when the device is not known', () => {
    const { unmount } = render(MessageItem, {
      props: { message: message(BOB, { direction: 'out', state: 'sent', encrypted: true, senderDevice: 99 }) },
    });
    expect(screen.getByTestId('message-lock').getAttribute('aria-label')).toBe('Encrypted');
    unmount();
    render(MessageItem, { props: { message: message(BOB, { encrypted: true, senderTrust: 'verified' }) } });
    const lock = screen.getByTestId('message-lock');
    expect(lock.getAttribute('aria-label')).toBe('Encrypted');
    expect(lock.getAttribute('title')).toBe('End-to-end encrypted (OMEMO)');
  });
});
