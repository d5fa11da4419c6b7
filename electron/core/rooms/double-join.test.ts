// Two joins of the same room at once (the user's, and one a bookmark from another device asked for)
// both get the room: before, one of them waited 15 s for an answer that went to the other. Real Prosody.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import type { AccountView } from '../../../shared/views.js';

let server: ProsodyServer;
let alice: TestCore;
let acc: AccountView;

beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'a-pw');
  alice = await startTestCore();
  acc = await addSyncedAccount(alice, server, 'alice', 'a-pw');
});
afterAll(async () => {
  await alice?.stop();
  await server?.stop();
});

it('two joins of the same room at once both answer joined, at once', async () => {
  const room = `twice@${server.mucDomain}`;
  const started = Date.now();
  const both = await Promise.all([
    alice.call('rooms:join', { accountId: acc.id, room, nick: 'Alice' }),
    alice.call('rooms:join', { accountId: acc.id, room, nick: 'Alice' }),
  ]);
  expect(both.map((r) => r.ok && r.value.state)).toEqual(['joined', 'joined']);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect((await alice.must('rooms:list', {})).filter((r) => r.jid === room)).toHaveLength(1);
});
