import { describe, expect, it } from 'vitest';
import { avatarColour, hueOf, initials, sha1 } from './avatar.js';

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

describe('avatar', () => {
  it('computes SHA-1 as FIPS 180-4 says', () => {
    expect(hex(sha1('abc'))).toBe('a9993e364706816aba3e25717850c26c9cd0d89d');
    expect(hex(sha1(''))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
    expect(hex(sha1('a'.repeat(1000)))).toBe('291e9a6c66994949b57ba5e650361e98fc36b1ba');
  });

  it('gives the hue of XEP-0392’s test vectors', () => {
    // XEP-0392 §13.1: "Romeo" → angle 327.255249, "juliet@capulet.lit" → 209.410400.
    expect(hueOf('Romeo')).toBeCloseTo(327.255249, 3);
    expect(hueOf('juliet@capulet.lit')).toBeCloseTo(209.4104, 3);
  });

  it('gives the same colour to the same address every time', () => {
    expect(avatarColour('bob@example.org')).toBe(avatarColour('bob@example.org'));
    expect(avatarColour('bob@example.org')).not.toBe(avatarColour('alice@example.org'));
  });

  it('takes one or two initials from a name or address', () => {
    expect(initials('Bob Smith')).toBe('BS');
    expect(initials('bob@example.org')).toBe('B');
    expect(initials('anna maria von berg')).toBe('AB');
    expect(initials('  ')).toBe('?');
    expect(initials('émile')).toBe('É');
    expect(initials('Bob (demo)')).toBe('B');
    expect(initials('(only brackets)')).toBe('OB');
  });
});
