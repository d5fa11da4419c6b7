import { describe, expect, it } from 'vitest';
import { createScramSession, escapeUsername } from './scram.js';

// RFC 7677 §3 test vector: user "user", password "pencil".
describe('SCRAM-SHA-256 (RFC 7677 §3 vector)', () => {
  it('produces the client proof and accepts the server signature from the RFC', async () => {
    const s = createScramSession('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    expect(s.clientFirst()).toBe('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    const final = await s.clientFinal('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    expect(final).toBe('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=');
    expect(() => s.verifyServerFinal('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).not.toThrow();
  });

  it('refuses a server that does not prove it knows the password', async () => {
    const s = createScramSession('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO');
    await s.clientFinal('r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096');
    expect(() => s.verifyServerFinal('v=AAAATRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=')).toThrow(/does not know the password/);
  });

  it('refuses a server nonce that does not extend the client nonce', async () => {
    const s = createScramSession('sha256', 'user', 'pencil', 'abc');
    await expect(s.clientFinal('r=xyz123,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096')).rejects.toThrow(/nonce/);
  });
});

// RFC 5802 §5 example: SCRAM-SHA-1, user "user", password "pencil".
describe('SCRAM-SHA-1 (RFC 5802 §5 vector)', () => {
  it('matches the RFC', async () => {
    const s = createScramSession('sha1', 'user', 'pencil', 'fyko+d2lbbFgONRv9qkxdawL');
    const final = await s.clientFinal('r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096');
    expect(final).toBe('c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=');
    expect(() => s.verifyServerFinal('v=rmF9pqV8S7suAoZWja4dJRkFsKQ=')).not.toThrow();
  });

  it('escapes = and , in user names', () => {
    expect(escapeUsername('a=b,c')).toBe('a=3Db=2Cc');
  });
});

describe('salted-password cache', () => {
  it('is filled per salt and iterations and gives the same proof without recomputing', async () => {
    const cache = new Map<string, Buffer>();
    const first = createScramSession('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO', cache);
    const server = 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096';
    const a = await first.clientFinal(server);
    expect([...cache.keys()]).toEqual(['sha256:W22ZaJ0SNY7soEsUEjb6gQ==:4096']);
    const again = await createScramSession('sha256', 'user', 'pencil', 'rOprNGfwEbeRWgbNEkqO', cache).clientFinal(server);
    expect(again).toBe(a);
  });
});
