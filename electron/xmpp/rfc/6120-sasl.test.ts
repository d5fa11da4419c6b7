// SASL mechanism choice against what this account's server offered before (issue #11 §5): a weaker
// offer is refused before anything is sent; an equal or stronger one goes ahead.
import { describe, expect, it } from 'vitest';
import type { Element } from '@xmpp/xml';
import { xml } from '@xmpp/client';
import { authenticate } from './6120-sasl.js';
import { XmppFailure } from '../errors.js';

/** A TLS-protected stream that records what the client sends and answers every request with a failure. */
function stream() {
  const sent: Element[] = [];
  return {
    sent,
    entity: {
      isSecure: () => true,
      sendReceive: async (el: Element) => {
        sent.push(el);
        return xml('failure', { xmlns: 'urn:ietf:params:xml:ns:xmpp-sasl' }, xml('not-authorized'));
      },
      restart: async () => undefined,
    },
  };
}
const creds = (floor?: string) => ({ username: 'alice', password: 'pw', ...(floor ? { floor } : {}) });

describe('SASL with a remembered mechanism', () => {
  it.each([
    [['PLAIN'], 'SCRAM-SHA-1'],
    [['SCRAM-SHA-1', 'PLAIN'], 'SCRAM-SHA-256'],
    [['SCRAM-SHA-256'], 'SCRAM-SHA-512'],
  ])('offered %j after %s: refused as a downgrade and nothing is sent', async (offered, floor) => {
    const s = stream();
    const err = await authenticate(s.entity, offered, creds(floor)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(XmppFailure);
    expect((err as XmppFailure).code).toBe('sasl-downgrade');
    expect((err as XmppFailure).message).toContain(`${floor} before`);
    expect(s.sent).toEqual([]);
  });

  it.each([
    [['SCRAM-SHA-1', 'PLAIN'], 'SCRAM-SHA-1', 'SCRAM-SHA-1'],
    [['SCRAM-SHA-256', 'SCRAM-SHA-1'], 'SCRAM-SHA-1', 'SCRAM-SHA-256'],
    [['PLAIN'], 'PLAIN', 'PLAIN'],
    [['PLAIN'], undefined, 'PLAIN'],
  ])('offered %j after %s: goes ahead with %s', async (offered, floor, used) => {
    const s = stream();
    const err = await authenticate(s.entity, offered, creds(floor)).catch((e: unknown) => e);
    // The fake stream rejects the credentials: what matters is what was tried.
    expect((err as XmppFailure).code).toBe('auth-failed');
    expect(s.sent.map((e) => e.attrs.mechanism)).toEqual([used]);
  });
});

describe('SASL with a password SASLprep forbids (RFC 4013)', () => {
  it('is refused in words before anything is sent', async () => {
    const s = stream();
    const err = await authenticate(s.entity, ['SCRAM-SHA-1'], { username: 'alice', password: 'pass\u0007word' }).catch((e: unknown) => e);
    expect((err as XmppFailure).code).toBe('password-unusable');
    expect((err as XmppFailure).message).toContain('U+0007');
    expect(s.sent).toEqual([]);
  });
});
