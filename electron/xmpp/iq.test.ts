// The IQ helper: unit cases with a stand-in iqCaller, then one real round trip to Prosody.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import XmppJsStanzaError from '@xmpp/middleware/lib/StanzaError.js';
import { startProsody, type ProsodyServer } from '../../e2e/fixtures/prosody.js';
import { closeClient, createXmppClient, type XmppClient } from './client.js';
import { IQ_TIMEOUT_MS, isStanzaError, requestIq, StanzaError } from './iq.js';
import { NS_STANZAS } from './rfc/6120-stanza-errors.js';
import { xmlOf } from './test-xml.js';

const ping = () => xml('iq', { type: 'get', to: 'example.com' }, xml('ping', { xmlns: 'urn:xmpp:ping' }));
const fake = (answer: (iq: Element, timeout?: number) => Promise<Element>) =>
  ({ iqCaller: { request: answer, get: answer, set: answer } }) as Pick<XmppClient, 'iqCaller'>;

describe('requestIq', () => {
  it('waits the default timeout unless told otherwise, and resolves with the result', async () => {
    const seen: (number | undefined)[] = [];
    const client = fake(async (_iq, timeout) => (seen.push(timeout), xmlOf(`<iq type='result' id='1'/>`)));
    expect((await requestIq(client, ping())).attrs.type).toBe('result');
    await requestIq(client, ping(), { timeoutMs: 5_000 });
    expect(seen).toEqual([IQ_TIMEOUT_MS, 5_000]);
  });

  it('turns an error reply into a StanzaError with the RFC 6120 parts, worded as xmpp.js words it', async () => {
    const error = xmlOf(`<error type='auth'><forbidden xmlns='${NS_STANZAS}'/><text xmlns='${NS_STANZAS}'>members only</text></error>`);
    const err = await requestIq(
      fake(async () => Promise.reject(XmppJsStanzaError.fromElement(error))),
      ping(),
    ).catch((e: unknown) => e);
    expect(isStanzaError(err)).toBe(true);
    expect(err).toMatchObject({
      name: 'StanzaError',
      type: 'auth',
      condition: 'forbidden',
      text: 'members only',
      message: 'forbidden - members only',
    });
    expect((err as StanzaError).element).toBe(error);
  });

  it('passes a timeout or a lost connection through unchanged', async () => {
    const timeout = Object.assign(new Error('timeout'), { name: 'TimeoutError' });
    await expect(
      requestIq(
        fake(async () => Promise.reject(timeout)),
        ping(),
      ),
    ).rejects.toBe(timeout);
  });
});

describe('requestIq against Prosody', () => {
  let server: ProsodyServer;
  let client: XmppClient;
  beforeAll(async () => {
    server = await startProsody();
    await server.register('alice', 'alice-pass');
    client = createXmppClient({
      jid: `alice@${server.domain}`,
      password: 'alice-pass',
      resource: 'test',
      service: `xmpp://127.0.0.1:${server.c2sPort}`,
      pinned: server.cert.fingerprint256,
    });
    client.on('error', () => {});
    await client.start();
  });
  afterAll(async () => {
    if (client) await closeClient(client);
    await server?.stop();
  });

  it('answers a ping to the server, and refuses a query nobody serves with a typed error', async () => {
    expect(
      (await requestIq(client, xml('iq', { type: 'get', to: server.domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })))).attrs.type,
    ).toBe('result');
    const err = await requestIq(
      client,
      xml('iq', { type: 'get', to: server.domain }, xml('query', { xmlns: 'urn:example:nothing' })),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StanzaError);
    expect((err as StanzaError).condition).toBe('service-unavailable');
  });
});
