import { describe, expect, it } from 'vitest';
import { fingerprintGroups, senderTrustNote, trustLabel } from './omemo-text.js';

const FP = '0123456789ABCDEF'.repeat(4);

describe('omemo-text', () => {
  it('groups 64 hex digits in 8 groups of 8, lower case, ignoring separators', () => {
    const groups = fingerprintGroups(FP);
    expect(groups).toHaveLength(8);
    expect(groups.every((g) => /^[0-9a-f]{8}$/.test(g))).toBe(true);
    expect(groups.join('')).toBe(FP.toLowerCase());
    expect(fingerprintGroups(groups.join(' ').toUpperCase())).toEqual(groups);
    expect(fingerprintGroups('')).toEqual([]);
  });

  it('puts trust in words and warns only about undecided or distrusted senders', () => {
    expect(trustLabel('verified')).toBe('Verified');
    expect(trustLabel('trusted')).toBe('Trusted, not verified');
    expect(senderTrustNote('undecided')).toMatch(/not verified/);
    expect(senderTrustNote('distrusted')).toMatch(/distrusted/);
    expect(senderTrustNote('trusted')).toBeUndefined();
    expect(senderTrustNote('verified')).toBeUndefined();
    expect(senderTrustNote(undefined)).toBeUndefined();
  });
});
