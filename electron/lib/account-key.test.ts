import { describe, expect, it } from 'vitest';
import { accountKey } from './account-key.js';

describe('accountKey', () => {
  it('keys state per account and address, so two accounts in the same room do not share it', () => {
    expect(accountKey('a1', 'room@muc.example')).toBe('a1|room@muc.example');
    expect(accountKey('a1', 'room@muc.example')).not.toBe(accountKey('a2', 'room@muc.example'));
  });

  it('keys state below an address (a device id) apart from the address itself', () => {
    expect(accountKey('a1', 'juliet@example.com', 1234)).toBe('a1|juliet@example.com|1234');
    expect(accountKey('a1', 'juliet@example.com', 'm1')).not.toBe(accountKey('a1', 'juliet@example.com'));
  });
});
