import { describe, expect, it } from 'vitest';
import type { AccountId } from '$shared/ids.js';
import {
  connectionText,
  deliveryText,
  deliveryTick,
  groupFingerprint,
  isSecureWebSocketUrl,
  relativeTime,
  subscriptionHint,
  syncText,
} from './format.js';

const FP = Array.from({ length: 32 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0')).join(':');
const id = 'a' as AccountId;

describe('format', () => {
  it('groups a fingerprint in lines of 8 pairs that still read as the whole fingerprint', () => {
    const lines = groupFingerprint(FP);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('00:01:02:03:04:05:06:07:');
    expect(lines.join('')).toBe(FP);
  });

  it('puts connection states in words', () => {
    const now = 1_000_000;
    expect(connectionText({ accountId: id, status: 'online' }, now)).toBe('Online');
    expect(connectionText({ accountId: id, status: 'connecting' }, now)).toBe('Connecting…');
    expect(connectionText({ accountId: id, status: 'waiting-to-retry', retryAt: now + 4200 }, now)).toBe('Waiting to retry in 5 s');
    expect(connectionText({ accountId: id, status: 'error', error: { code: 'auth-failed' } }, now)).toBe(
      'The server rejected the user name or password.',
    );
  });

  it('gives relative times', () => {
    const now = new Date(2024, 4, 10, 15, 0).getTime();
    expect(relativeTime(now - 10_000, now)).toBe('just now');
    expect(relativeTime(now - 5 * 60_000, now)).toBe('5 min ago');
    expect(relativeTime(new Date(2024, 4, 9, 12, 0).getTime(), now)).toBe('yesterday');
  });

  it('explains subscriptions and delivery', () => {
    expect(subscriptionHint({ subscription: 'none', pendingOut: true })).toBe('Waiting for them to accept');
    expect(subscriptionHint({ subscription: 'both', pendingOut: false })).toBeUndefined();
    expect(deliveryText('pending')).toBe('Sending…');
    expect(deliveryText('failed')).toBe('Failed');
  });

  it('gives ticks only to messages that left', () => {
    expect(deliveryTick('pending')).toBe('');
    expect(deliveryTick('sent')).toBe('✓');
    expect(deliveryTick('delivered')).toBe('✓✓');
    expect(deliveryTick('read')).toBe('✓✓');
    expect(deliveryTick('received')).toBe('');
  });

  it('puts the archive catch-up in words', () => {
    expect(syncText({ phase: 'catching-up', fetched: 1 })).toBe('Catching up… (1 message)');
    expect(syncText({ phase: 'catching-up', fetched: 250 })).toBe('Catching up… (250 messages)');
    expect(syncText({ phase: 'synced', fetched: 250 })).toBe('Up to date');
    expect(syncText({ phase: 'failed', fetched: 0, detail: 'timeout' })).toBe('Could not fetch history: timeout');
    expect(syncText({ phase: 'failed', fetched: 0 })).toBe('Could not fetch history.');
  });

  it('accepts only wss:// WebSocket URLs', () => {
    expect(isSecureWebSocketUrl('wss://example.org/ws')).toBe(true);
    expect(isSecureWebSocketUrl('ws://example.org/ws')).toBe(false);
    expect(isSecureWebSocketUrl('https://example.org/ws')).toBe(false);
    expect(isSecureWebSocketUrl('wss://')).toBe(false);
  });
});
