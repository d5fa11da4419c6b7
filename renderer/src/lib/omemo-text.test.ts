import { describe, expect, it } from 'vitest';
import {
  chatWarningText,
  fingerprintGroups,
  omemoProblemText,
  peerWarningText,
  PREPARING_TEXT,
  senderTrustNote,
  trustLabel,
} from './omemo-text.js';
import type { OmemoProblem, PeerWarning } from '$shared/notices.js';

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

// This device's OMEMO state and a chat's warnings come from the core as values; these are the sentences
// the core used to write itself (one per kind), so a person sees the same words.
describe('this device’s OMEMO, in words', () => {
  const NEXT_SIGN_IN = 'Encrypted messages can neither be sent nor read here. Vireo tries again at the next sign-in.';
  it.each<[OmemoProblem, string]>([
    [
      { kind: 'no-key-store' },
      `Encryption does not work on this device: Vireo has no safe place to keep this account’s encryption keys (the keychain or the password file is not available). ${NEXT_SIGN_IN}`,
    ],
    [
      { kind: 'keys-failed', reason: 'the keychain is locked' },
      `Encryption does not work on this device: its encryption keys could not be prepared (the keychain is locked). ${NEXT_SIGN_IN}`,
    ],
    [{ kind: 'keys-failed' }, `Encryption does not work on this device: its encryption keys could not be prepared. ${NEXT_SIGN_IN}`],
    [
      { kind: 'unpublished', reason: 'forbidden' },
      'Your contacts cannot send encrypted messages to this device yet: the server did not accept its encryption keys (forbidden). Vireo keeps trying while you are signed in.',
    ],
    [
      { kind: 'unpublished' },
      'Your contacts cannot send encrypted messages to this device yet: the server did not accept its encryption keys. Vireo keeps trying while you are signed in.',
    ],
  ])('%j', (problem, text) => {
    expect(omemoProblemText(problem)).toBe(text);
    expect(chatWarningText(problem)).toBe(text);
  });

  it('says that the keys are being prepared and that messages wait', () => {
    expect(PREPARING_TEXT).toBe(
      'Encryption is being prepared: Vireo is opening this device’s encryption keys, or making them if this is the first time. Encrypted messages wait and are sent as soon as the keys are ready.',
    );
  });
});

describe('what stops a chat’s encrypted messages, in words', () => {
  it.each<[PeerWarning, string]>([
    [
      { kind: 'no-devices', peer: 'bob@example.org' },
      'bob@example.org has no app that can receive encrypted messages. Messages will wait until you turn encryption off for this chat.',
    ],
    [
      { kind: 'unverified-device', peer: 'bob@example.org' },
      'bob@example.org has a device you have not verified. It will not receive your messages until you verify or trust it.',
    ],
    [
      { kind: 'all-distrusted', peer: 'bob@example.org' },
      'You distrusted every device of bob@example.org: encrypted messages cannot reach them.',
    ],
  ])('%j', (warning, text) => {
    expect(peerWarningText(warning)).toBe(text);
    expect(chatWarningText(warning)).toBe(text);
  });

  it('isolates the address and the server’s reason, so a bidi control in them cannot turn the sentence around', () => {
    expect(peerWarningText({ kind: 'all-distrusted', peer: 'evil\u202E@example.org' })).toBe(
      'You distrusted every device of \u2068evil\u202E@example.org\u202C\u2069: encrypted messages cannot reach them.',
    );
    expect(omemoProblemText({ kind: 'unpublished', reason: '\u202Eforbidden' })).toContain('(\u2068\u202Eforbidden\u202C\u2069)');
  });
});
