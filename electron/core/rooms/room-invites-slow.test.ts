// Integration, real Prosody behind a man in the middle (e2e/fuzz/injecting-proxy.ts): a room invitation
// whose sender never answers "are you a room?" (XEP-0045 §7.8.2; its server is slow, or gone) must not
// hold up the messages behind it — found by the fuzzer, where each such invitation made the account
// deaf for the 10 s the question waits.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import { startInjectingProxy, type InjectingProxy } from '../../../e2e/fuzz/injecting-proxy.js';
import { closeClient, createXmppClient, type XmppClient } from '../../xmpp/client.js';

let server: ProsodyServer;
let proxy: InjectingProxy;
let alice: TestCore;
let bob: XmppClient;

beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'a-pw');
  await server.register('bob', 'b-pw');
  proxy = await startInjectingProxy({ upstreamPort: server.directTlsPort, cert: server.cert });
  alice = await startTestCore();
  bob = createXmppClient({
    jid: `bob@${server.domain}`,
    password: 'b-pw',
    resource: 'r',
    service: `xmpp://127.0.0.1:${server.c2sPort}`,
    pinned: server.cert.fingerprint256,
  });
  bob.on('error', () => {});
  await bob.start();
});
afterAll(async () => {
  await alice?.stop();
  if (bob) await closeClient(bob);
  await proxy?.close();
  await server?.stop();
});

it('a message right behind an invitation from a room that never answers arrives at once', async () => {
  await addSyncedAccount(alice, server, 'alice', 'a-pw', { directTlsPort: proxy.port });
  const room = `silent@${server.mucDomain}`;
  // Vireo's question to the "room" never reaches the server, so no answer ever comes.
  proxy.holdUp((el) => el.startsWith('<iq') && el.includes(room) && el.includes('disco#info'));
  const mark = alice.mark();
  expect(
    proxy.inject(
      `<message from='${room}' to='alice@${server.domain}'><x xmlns='http://jabber.org/protocol/muc#user'><invite from='carol@${server.domain}'><reason>come in</reason></invite></x></message>`,
    ),
  ).toBe(true);
  const sent = Date.now();
  await bob.send(xml('message', { to: `alice@${server.domain}`, type: 'chat', id: 'behind' }, xml('body', {}, 'right behind it')));
  await alice.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'right behind it'), 9_000, mark);
  expect(Date.now() - sent).toBeLessThan(3_000);
});
