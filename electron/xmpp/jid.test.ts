// JIDs in Vireo's comparison form, and what is not a JID at all (RFC 7622 §3).
import { describe, expect, it } from 'vitest';
import { bareOf, parseJid } from './jid.js';

describe('parseJid', () => {
  it('reads the three parts, lower-cases local and domain, keeps the resource as it is', () => {
    expect(parseJid('Alice@Example.ORG/Phone Home')).toEqual({
      local: 'alice',
      domain: 'example.org',
      resource: 'Phone Home',
      bare: 'alice@example.org',
    });
    expect(parseJid('conference.example.org')).toEqual({
      local: '',
      domain: 'conference.example.org',
      resource: '',
      bare: 'conference.example.org',
    });
    expect(parseJid('room@muc.example.org/nick/with/slashes')?.resource).toBe('nick/with/slashes');
    expect(bareOf('example.org.')).toBe('example.org');
    expect(parseJid('[::1]')?.domain).toBe('[::1]');
  });

  it.each([
    '',
    '@example.org',
    'a@b@c',
    'alice@',
    'alice@example.org/',
    'al ice@example.org',
    'a<b@example.org',
    'alice@exa mple.org',
    `${'x'.repeat(1024)}@example.org`,
    'alice@/res',
  ])('%j is not a JID', (text) => {
    expect(parseJid(text)).toBeUndefined();
  });
});
