// Integration, real Prosody: for a new account the window is never told "synced" before "online"
// (issue #11 §4). Catch-up runs while the session is being set up (sync.ts), before the connection
// reports itself online; the order of the pushed events is what the window shows.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import type { ConnectionStateView, SyncStateView } from '../../../shared/views.js';

let server: ProsodyServer;
let t: TestCore;

beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'a-pw');
  t = await startTestCore();
});
afterAll(async () => {
  await t?.stop();
  await server?.stop();
});

/** What the window was told about the account, in order: 'online' and sync phases. */
function told(accountId: string): string[] {
  return t.events.flatMap((e) => {
    if (e.name === 'connection:state' && (e.payload as ConnectionStateView).accountId === accountId)
      return [(e.payload as ConnectionStateView).status];
    if (e.name === 'sync:state' && (e.payload as SyncStateView).accountId === accountId)
      return [`sync:${(e.payload as SyncStateView).phase}`];
    return [];
  });
}

it('a new account is online before it is synced, also after signing out and in again', async () => {
  const acc = await t.must('accounts:add', {
    jid: `alice@${server.domain}`,
    password: 'a-pw',
    manual: { host: '127.0.0.1', port: server.c2sPort },
    pinnedCertificate: server.cert.fingerprint256,
  });
  await t.waitForEvent('sync:state', (s) => s.accountId === acc.id && s.phase === 'synced', 15_000);
  await t.waitForEvent('connection:state', (s) => s.accountId === acc.id && s.status === 'online', 15_000);
  const first = told(acc.id);
  expect(first.indexOf('online')).toBeGreaterThanOrEqual(0);
  expect(first.indexOf('online'), first.join(' → ')).toBeLessThan(first.indexOf('sync:synced'));

  // Again with a new session on the same account.
  await t.must('accounts:disconnect', { accountId: acc.id });
  const mark = t.mark();
  await t.must('accounts:connect', { accountId: acc.id });
  await t.waitForEvent('sync:state', (s) => s.accountId === acc.id && s.phase === 'synced', 15_000, mark);
  await t.waitForEvent('connection:state', (s) => s.accountId === acc.id && s.status === 'online', 15_000, mark);
  const again = told(acc.id).slice(told(acc.id).lastIndexOf('offline'));
  expect(again.indexOf('online'), again.join(' → ')).toBeLessThan(again.indexOf('sync:synced'));
});
