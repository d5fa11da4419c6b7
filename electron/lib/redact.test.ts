// What a log file attached to a report may show: servers and failures, not people, places or secrets.
import { describe, expect, it } from 'vitest';
import { createRedactor } from './redact.js';

const redact = createRedactor({ key: new Uint8Array(16) });

describe('createRedactor', () => {
  it('hides the local part and resource of an address, keeps the domain, the same person reads the same', () => {
    const a = redact('sign-in of alice@example.org/laptop failed');
    expect(a).not.toContain('alice');
    expect(a).not.toContain('laptop');
    expect(a).toMatch(/^sign-in of ~[0-9a-f]{6}@example\.org\/~[0-9a-f]{6} failed$/u);
    expect(redact('alice@example.org')).toBe(a.split(' ')[2]!.split('/')[0]);
    expect(redact('room@conference.example.org/Nick Name')).toMatch(/^~[0-9a-f]{6}@conference\.example\.org\/~[0-9a-f]{6} Name$/u);
    // A bare server name is what a report needs.
    expect(redact('could not reach example.org')).toBe('could not reach example.org');
  });

  it('hashes with a key of its own per run, so a short hash cannot be looked up', () => {
    expect(createRedactor()('alice@example.org')).not.toBe(createRedactor()('alice@example.org'));
  });

  it('hides IP addresses (with their ports kept) but not the loopback', () => {
    expect(redact('via starttls 203.0.113.7:5222 failed')).toBe('via starttls [ip]:5222 failed');
    expect(redact('direct-tls [2001:db8::1]:5223')).toBe('direct-tls [[ip]]:5223');
    expect(redact('at 10.1.2.3.')).toBe('at [ip].');
    expect(redact('proxy 127.0.0.1:8080 and ::1')).toBe('proxy 127.0.0.1:8080 and ::1');
    // Times, versions and fingerprints are not addresses.
    const line =
      '2026-12-08T00:24:35.123Z Prosody 0.12.4 AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89';
    expect(redact(line)).toBe(line);
  });

  it('never keeps a password, a token or key material', () => {
    const out = redact('password=hunter2 token: "abc def" {"secret":"s3cr3t"} socks5://bob:pw@proxy.example.net:1080');
    for (const secret of ['hunter2', 'abc def', 's3cr3t', 'bob', ':pw@']) expect(out).not.toContain(secret);
    expect(out).toContain('proxy.example.net:1080');
    const key = 'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0';
    expect(redact(`bundle ${key} published`)).toBe('bundle [blob] published');
    expect(redact('<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">AGFsaWNlAHNlY3JldA==</auth>')).toBe(
      '<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">[redacted]</auth>',
    );
    // File paths in a stack trace stay readable.
    const stack = 'at open (/work/main/electron/core/session/connections.ts:152:9)';
    expect(redact(stack)).toBe(stack);
  });

  it('never keeps message text', () => {
    const out = redact('<message to="bob@example.org" type="chat"><body>meet me at 5</body><subject>plans</subject></message>');
    expect(out).not.toContain('meet me');
    expect(out).not.toContain('plans');
    expect(out).toContain('<body>[text]</body>');
  });
});
