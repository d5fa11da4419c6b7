import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '$shared/errors.js';
import { ERROR_TEXT, accountErrorText, errorDetail, errorText } from './error-text.js';

describe('ERROR_TEXT', () => {
  it.each(ERROR_CODES.map((code) => [code]))('%s has a sentence a person understands', (code) => {
    const text = ERROR_TEXT[code];
    expect(text.title.trim().length).toBeGreaterThan(10);
    expect(text.title).toMatch(/[.!]$/);
    if (text.action !== undefined) expect(text.action.trim()).not.toBe('');
  });

  it('has no entry for a code that does not exist', () => {
    expect(Object.keys(ERROR_TEXT).sort()).toEqual([...ERROR_CODES].sort());
  });

  it('says what the brief asks for the sign-in failures', () => {
    expect(ERROR_TEXT['auth-failed']).toEqual({
      title: 'The server rejected the user name or password.',
      action: 'Check them and try again.',
    });
    expect(ERROR_TEXT['tls-required'].title).toBe('The server does not offer encryption, so Vireo will not send your password.');
  });

  it('falls back to the internal sentence for a code from a newer core', () => {
    expect(errorText({ code: 'no-such-code' as never })).toBe(ERROR_TEXT.internal);
  });

  it('gives a saved account the way out that fits it, with the same sentence', () => {
    expect(accountErrorText({ code: 'auth-failed' })).toEqual({
      title: ERROR_TEXT['auth-failed'].title,
      action: 'Enter the current password below to connect again.',
    });
    expect(accountErrorText({ code: 'keychain-unavailable' }).action).toContain('then press Retry');
    expect(accountErrorText({ code: 'server-unreachable' })).toBe(ERROR_TEXT['server-unreachable']);
  });
});

describe('errorDetail', () => {
  it('shows the core’s technical detail, or words why OMEMO does not work on this device', () => {
    expect(errorDetail({ detail: 'item-not-found' })).toBe('item-not-found');
    expect(errorDetail({})).toBeUndefined();
    expect(errorDetail({ omemo: { kind: 'no-key-store' } })).toMatch(
      /^Encryption does not work on this device: Vireo has no safe place to keep this account’s encryption keys/,
    );
  });
});
