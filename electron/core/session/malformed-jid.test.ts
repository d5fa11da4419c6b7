// Integration: stanzas whose 'from' or 'to' is not an address at all ('a@b@c', '@domain', '', '/') from a
// hostile server (or a man in the middle holding its key). Before, each one threw inside the stanza
// router, which could only end the stream: a server could keep an account reconnecting forever. Now such
// a stanza is dropped (counted for XEP-0198 as handled), the stream goes on, nothing appears in the
// window, and the next real message arrives. Real Prosody behind the fuzzer's injecting proxy, which
// keeps Prosody's stream-management counts right.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { startInjectingProxy, type InjectingProxy } from '../../../e2e/fuzz/injecting-proxy.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import type { AccountView } from '../../../shared/views.js';

let server: ProsodyServer;
let proxy: InjectingProxy;
let alice: TestCore;
let bob: TestCore;
let bobAcc: AccountView;

beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'a-pw');
  await server.register('bob', 'b-pw');
  proxy = await startInjectingProxy({ upstreamPort: server.directTlsPort, cert: server.cert });
  alice = await startTestCore();
  bob = await startTestCore();
  bobAcc = await addSyncedAccount(bob, server, 'bob', 'b-pw');
  await addSyncedAccount(alice, server, 'alice', 'a-pw', { directTlsPort: proxy.port });
  const until = Date.now() + 10_000;
  while (!proxy.ready()) {
    if (Date.now() > until) throw new Error('stream management never enabled behind the proxy');
    await new Promise((r) => setTimeout(r, 50));
  }
});
afterAll(async () => {
  await alice?.stop();
  await bob?.stop();
  await proxy?.close();
  await server?.stop();
});

describe('stanzas whose addresses are not addresses', () => {
  it('are dropped without ending the stream; the next real message arrives', async () => {
    const me = `alice@${server.domain}`;
    const mark = alice.mark();
    const connectionsBefore = proxy.connections();
    const bad = [
      `<message from='a@b@c' to='${me}' type='chat' id='m1'><body>from nobody</body></message>`,
      `<message from='@${server.domain}' to='${me}' type='chat' id='m2'><body>from an empty local part</body></message>`,
      `<message from='bob@${server.domain}/x' to='x@@y' type='chat' id='m3'><body>to nobody</body></message>`,
      `<iq from='/' to='${me}' type='get' id='q1'><ping xmlns='urn:xmpp:ping'/></iq>`,
      `<presence from='${'x'.repeat(1100)}@${server.domain}' to='${me}'/>`,
    ];
    for (const b of bad) expect(proxy.inject(b)).toBe(true);
    const toAlice = await bob.must('chat:open', { accountId: bobAcc.id, peer: me });
    await bob.must('chat:send', { conversationId: toAlice.id, body: 'a real one' });
    await alice.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'a real one'), 10_000, mark);
    // The stream went on: no reconnect.
    const states = alice.events.slice(mark).filter((e) => e.name === 'connection:state');
    expect(states).toEqual([]);
    expect(proxy.connections()).toBe(connectionsBefore);
    // Nothing of the bad stanzas reached the window.
    expect(JSON.stringify(alice.events.slice(mark))).not.toMatch(/from nobody|empty local part|to nobody/);
    expect((await alice.must('chats:list', {})).map((c) => c.peer)).toEqual([`bob@${server.domain}`]);
  });
});
