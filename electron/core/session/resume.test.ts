// Integration: XEP-0198 through a fault-injecting proxy — a dropped connection is resumed at once,
// nothing is lost or duplicated either way, and our messages turn 'sent' only when acknowledged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { startFaultProxy, type FaultProxy } from '../../../e2e/fixtures/fault-proxy.js';
import { startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import type { AccountView, ConversationView } from '../../../shared/views.js';

let server: ProsodyServer;
let proxy: FaultProxy;
let alice: TestCore;
let bob: TestCore;
let aliceAcc: AccountView;
let bobAcc: AccountView;
let aliceConv: ConversationView;
let bobConv: ConversationView;

const bodies = async (t: TestCore, convId: string, direction: 'in' | 'out') =>
  (await t.must('chat:history', { conversationId: convId, limit: 500 })).messages
    .filter((m) => m.direction === direction)
    .map((m) => m.body);

beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'a-pw');
  await server.register('bob', 'b-pw');
  proxy = await startFaultProxy({ host: '127.0.0.1', port: server.c2sPort });
  alice = await startTestCore();
  bob = await startTestCore();
  const pin = server.cert.fingerprint256;
  aliceAcc = await alice.must('accounts:add', {
    jid: `alice@${server.domain}`,
    password: 'a-pw',
    manual: { host: '127.0.0.1', port: proxy.port },
    pinnedCertificate: pin,
  });
  bobAcc = await bob.must('accounts:add', {
    jid: `bob@${server.domain}`,
    password: 'b-pw',
    manual: { host: '127.0.0.1', port: server.c2sPort },
    pinnedCertificate: pin,
  });
  await alice.waitForEvent('connection:state', (s) => s.status === 'online');
  await bob.waitForEvent('connection:state', (s) => s.status === 'online');
  aliceConv = await alice.must('chat:open', { accountId: aliceAcc.id, peer: `bob@${server.domain}` });
  bobConv = await bob.must('chat:open', { accountId: bobAcc.id, peer: `alice@${server.domain}` });
});
afterAll(async () => {
  await alice?.stop();
  await bob?.stop();
  await proxy?.close();
  await server?.stop();
});

describe('stream management', () => {
  it('marks a message sent only when the server acknowledged it', async () => {
    const m = await alice.must('chat:send', { conversationId: aliceConv.id, body: 'ack me' });
    expect(m.state).toBe('pending');
    await alice.waitForEvent('message:updated', (u) => u.id === m.id && u.state === 'sent');
    await bob.waitForEvent('message:added', (ms) => ms.some((x) => x.body === 'ack me'));
  });

  it('resumes a dropped session at once, and messages sent to it meanwhile arrive exactly once', async () => {
    const before = alice.mark();
    proxy.cutAll();
    for (let i = 0; i < 20; i++) await bob.must('chat:send', { conversationId: bobConv.id, body: `while away ${i}` });
    await alice.waitForEvent('connection:state', (s) => s.status === 'online' && s.session === 'resumed', 10_000, before);
    await expect.poll(() => bodies(alice, aliceConv.id, 'in'), { timeout: 10_000 }).toHaveLength(20);
    expect(await bodies(alice, aliceConv.id, 'in')).toEqual(Array.from({ length: 20 }, (_, i) => `while away ${i}`));
  });

  it('keeps unacknowledged messages pending through a cut, resends them on resume, and the peer gets each once', async () => {
    // The network dies silently first: the messages leave Vireo but no acknowledgement can come back.
    proxy.blackhole();
    const sent: string[] = [];
    for (let i = 0; i < 10; i++) sent.push((await alice.must('chat:send', { conversationId: aliceConv.id, body: `burst ${i}` })).id);
    await new Promise((r) => setTimeout(r, 300));
    const pending = (await alice.must('chat:history', { conversationId: aliceConv.id, limit: 500 })).messages.filter((m) =>
      sent.includes(m.id),
    );
    expect(pending.map((m) => m.state)).toEqual(Array(10).fill('pending'));
    const before = alice.mark();
    proxy.cutAll();
    proxy.resume();
    await alice.waitForEvent('connection:state', (s) => s.status === 'online', 10_000, before);
    await expect
      .poll(
        async () =>
          (await alice.must('chat:history', { conversationId: aliceConv.id, limit: 500 })).messages.filter(
            (m) => sent.includes(m.id) && m.state === 'sent',
          ).length,
        { timeout: 10_000 },
      )
      .toBe(10);
    await expect
      .poll(() => bodies(bob, bobConv.id, 'in').then((b) => b.filter((x) => x.startsWith('burst'))), { timeout: 10_000 })
      .toEqual(Array.from({ length: 10 }, (_, i) => `burst ${i}`));
  });
});

describe('noticing that the network is back, or gone', () => {
  it('a nudge (wake from sleep, network change) retries at once instead of waiting out the backoff', async () => {
    const slow = await startTestCore({ backoff: { first: 60_000, max: 60_000 } });
    const p2 = await startFaultProxy({ host: '127.0.0.1', port: server.c2sPort });
    try {
      const acc = await slow.must('accounts:add', {
        jid: `bob@${server.domain}`,
        password: 'b-pw',
        manual: { host: '127.0.0.1', port: p2.port },
        pinnedCertificate: server.cert.fingerprint256,
      });
      await slow.waitForEvent('connection:state', (s) => s.accountId === acc.id && s.status === 'online');
      await slow.must('accounts:disconnect', { accountId: acc.id });
      p2.refuse();
      const mark = slow.mark();
      await slow.must('accounts:connect', { accountId: acc.id });
      const waiting = await slow.waitForEvent('connection:state', (s) => s.status === 'waiting-to-retry', 10_000, mark);
      expect(waiting.retryAt! - Date.now()).toBeGreaterThan(20_000);
      p2.allow();
      const before = Date.now();
      slow.core.nudge();
      await slow.waitForEvent('connection:state', (s) => s.status === 'online', 10_000, mark);
      expect(Date.now() - before).toBeLessThan(5000);
    } finally {
      await slow.stop();
      await p2.close();
    }
  });

  it('a link that died silently is found by the unanswered ack request and resumed', async () => {
    const t = await startTestCore({ answerTimeoutMs: 500 });
    const p3 = await startFaultProxy({ host: '127.0.0.1', port: server.c2sPort });
    try {
      const acc = await t.must('accounts:add', {
        jid: `bob@${server.domain}`,
        password: 'b-pw',
        manual: { host: '127.0.0.1', port: p3.port },
        pinnedCertificate: server.cert.fingerprint256,
      });
      await t.waitForEvent('connection:state', (s) => s.accountId === acc.id && s.status === 'online');
      const mark = t.mark();
      p3.blackhole(); // nothing is closed: only silence
      t.core.nudge();
      await t.waitForEvent('connection:state', (s) => s.status === 'connecting', 5000, mark);
      p3.resume();
      await t.waitForEvent('connection:state', (s) => s.status === 'online' && s.session === 'resumed', 10_000, mark);
    } finally {
      await t.stop();
      await p3.close();
    }
  });
});
