// Integration: a room created by joining stays locked until its default configuration is accepted
// (XEP-0045 §10.1.2). When the server does not take it, the user is told, the room stays locked (not
// silently unusable), and setting it up again unlocks it. Real Prosody; a man in the middle (the fault
// proxy in TLS mode, holding the test server's pinned certificate) spoils the one request.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { startFaultProxy, type FaultProxy } from '../../../e2e/fixtures/fault-proxy.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import type { AccountView } from '../../../shared/views.js';

let server: ProsodyServer;
let proxy: FaultProxy;
let alice: TestCore;
let acc: AccountView;

beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'a-pw');
  proxy = await startFaultProxy(
    { host: '127.0.0.1', port: server.directTlsPort },
    { tls: { cert: server.cert.pem, key: server.cert.keyPem, servername: server.domain } },
  );
  alice = await startTestCore();
  acc = await addSyncedAccount(alice, server, 'alice', 'a-pw', { directTlsPort: proxy.port });
});
afterAll(async () => {
  await alice?.stop();
  await proxy?.close();
  await server?.stop();
});

describe('creating a room whose default configuration the server does not take', () => {
  it('says so, keeps the room locked, and setting it up unlocks it', async () => {
    const room = `stuck@${server.mucDomain}`;
    // The instant-room request (an empty submitted form to muc#owner) arrives as a form of no known type.
    const undo = proxy.rewrite('up', (chunk) =>
      chunk.includes('muc#owner')
        ? chunk.replace('<x xmlns="jabber:x:data" type="submit"/>', '<x xmlns="jabber:x:data" type="spoilt"/>')
        : undefined,
    );
    const mark = alice.mark();
    // (Joined right after sign-in, while the bookmarks are still read: that rejoins nothing.)
    const joined = await alice.must('rooms:join', { accountId: acc.id, room, nick: 'Alice' });
    expect(joined.state).toBe('joined');
    const told = await alice.waitForEvent('room:updated', (r) => r.jid === room && r.error?.code === 'room-config-failed', 15_000, mark);
    expect(told.locked).toBe(true);
    undo();
    // The way out the window offers: set it up (here with the form as the server gives it).
    await alice.must('rooms:get-config', { accountId: acc.id, room });
    const configured = await alice.must('rooms:configure', { accountId: acc.id, room, values: {} });
    expect(configured.locked).toBeFalsy();
    expect(configured.error).toBeUndefined();
  });
});
