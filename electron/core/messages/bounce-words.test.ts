// Integration, real Prosody: a message to a domain that cannot be reached fails saying so (the window
// words it "Could not reach …"), not as if the user were not allowed to write there (issue #11 §4). The server
// is allowed outgoing server-to-server connections, so it really tries the domain and bounces with
// remote-server-not-found (RFC 6120 §8.3.3.16), as a server on the internet would.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';

let server: ProsodyServer;
let alice: TestCore;

beforeAll(async () => {
  server = await startProsody({ outgoingS2s: true });
  await server.register('alice', 'a-pw');
  alice = await startTestCore();
});
afterAll(async () => {
  await alice?.stop();
  await server?.stop();
});

it('a message to user@nonexistent.invalid fails with "Could not reach nonexistent.invalid"', async () => {
  const acc = await addSyncedAccount(alice, server, 'alice', 'a-pw');
  const conv = await alice.must('chat:open', { accountId: acc.id, peer: 'user@nonexistent.invalid' });
  await alice.must('chat:set-encryption', { conversationId: conv.id, mode: 'plain' });
  const m = await alice.must('chat:send', { conversationId: conv.id, body: 'is anyone there?' });
  const failed = await alice.waitForEvent('message:updated', (u) => u.id === m.id && u.state === 'failed', 25_000);
  expect(failed.error).toEqual({ kind: 'bounced', condition: 'remote-server-not-found', domain: 'nonexistent.invalid' });
  // The text is kept (to send again once the address is right), and still says it failed after
  // scrolling up fetched the archive, which holds the copy the server stored before it bounced.
  const history = await alice.must('chat:history', { conversationId: conv.id });
  expect(history.messages.find((x) => x.id === m.id)).toMatchObject({ body: 'is anyone there?', state: 'failed' });
}, 40_000);
