// SASLprep (RFC 4013): the examples of its §3, and a real sign-in to Prosody (which applies SASLprep to
// the password it keeps) with a password that plain NFKC gets wrong.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saslprep, SaslPrepError } from './saslprep.js';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { closeClient, createXmppClient } from '../client.js';

describe('saslprep', () => {
  it('maps, normalises and refuses as RFC 4013 §3 shows', () => {
    expect(saslprep('I\u00ADX')).toBe('IX'); // soft hyphen: mapped to nothing
    expect(saslprep('user')).toBe('user');
    expect(saslprep('USER')).toBe('USER'); // case is kept
    expect(saslprep('\u00AA')).toBe('a'); // NFKC
    expect(saslprep('\u2168')).toBe('IX'); // NFKC
    expect(() => saslprep('\u0007')).toThrow(SaslPrepError); // prohibited (control character)
    expect(() => saslprep('\u0627\u0031')).toThrow(SaslPrepError); // bidi: must end right-to-left
  });

  it('maps non-ASCII spaces to a space and drops the invisible characters, and accepts right-to-left text that is whole', () => {
    expect(saslprep('pa\u00A0ss\u2003word')).toBe('pa ss word');
    expect(saslprep('a\u200Bb\uFEFFc\u200Dd')).toBe('a bcd');
    expect(saslprep('\u05E9\u05DC\u05D5\u05DD')).toBe('\u05E9\u05DC\u05D5\u05DD');
    expect(() => saslprep('\u05E9abc\u05DD')).toThrow(SaslPrepError); // right-to-left mixed with left-to-right
    expect(() => saslprep('x\uE000')).toThrow(/U\+E000/); // private use
  });
});

describe('signing in with such a password (real Prosody)', () => {
  let server: ProsodyServer;
  // A no-break space (mapped to a space) and a soft hyphen (mapped to nothing): NFKC alone keeps the
  // soft hyphen, so the keys differ and the right password would be refused.
  const password = 'tea\u00A0for\u00ADtwo';
  beforeAll(async () => {
    server = await startProsody();
    await server.register('alice', password);
  });
  afterAll(async () => server?.stop());

  it('signs in', async () => {
    const client = createXmppClient({
      jid: `alice@${server.domain}`,
      password,
      resource: 'prep',
      service: `xmpp://127.0.0.1:${server.c2sPort}`,
      pinned: server.cert.fingerprint256,
    });
    client.on('error', () => {});
    try {
      await client.start();
      expect(client.jid?.toString()).toMatch(/^alice@/);
    } finally {
      await closeClient(client);
    }
  });

  it('the same password typed with plain spaces and without the hyphen signs in too (it is the same password to SASLprep)', async () => {
    const client = createXmppClient({
      jid: `alice@${server.domain}`,
      password: 'tea fortwo',
      resource: 'prep2',
      service: `xmpp://127.0.0.1:${server.c2sPort}`,
      pinned: server.cert.fingerprint256,
    });
    client.on('error', () => {});
    try {
      await client.start();
      expect(client.jid?.toString()).toMatch(/^alice@/);
    } finally {
      await closeClient(client);
    }
  });
});
