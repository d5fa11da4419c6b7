// Integration: delivery and read state, bounced messages with a retry, read state across devices,
// and fixing a changed password — with real Prosody.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import type { AccountView, ConversationView } from '../../../shared/views.js';
import { xml } from '@xmpp/client';
import { closeClient, createXmppClient } from '../../xmpp/client.js';

let server: ProsodyServer;
let alice: TestCore;
let bob: TestCore;
let bob2: TestCore;
let aliceAcc: AccountView;
let bobAcc: AccountView;
let aliceConv: ConversationView;

const add = (t: TestCore, user: string, pw: string) => addSyncedAccount(t, server, user, pw);

beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'a-pw');
  await server.register('bob', 'b-pw');
  alice = await startTestCore();
  bob = await startTestCore();
  bob2 = await startTestCore();
  aliceAcc = await add(alice, 'alice', 'a-pw');
  bobAcc = await add(bob, 'bob', 'b-pw');
  await add(bob2, 'bob', 'b-pw');
  // Mutual contacts: receipts and markers are only sent to people allowed to see presence.
  await alice.must('roster:add', { accountId: aliceAcc.id, jid: `bob@${server.domain}` });
  await bob.waitForEvent('roster:requests', (e) => e.requests.length > 0);
  await bob.must('roster:accept', { accountId: bobAcc.id, jid: `alice@${server.domain}` });
  await alice.waitForEvent('roster:changed', (e) => e.contacts.some((c) => c.subscription === 'both'));
  await bob.waitForEvent('roster:changed', (e) => e.contacts.some((c) => c.subscription === 'both'));
  aliceConv = await alice.must('chat:open', { accountId: aliceAcc.id, peer: `bob@${server.domain}` });
});
afterAll(async () => {
  for (const t of [alice, bob, bob2]) await t?.stop();
  await server?.stop();
});

describe('delivery and read state', () => {
  it('goes sent → delivered (receipt) → read (displayed marker), and reading on one device clears unread on the other', async () => {
    const m = await alice.must('chat:send', { conversationId: aliceConv.id, body: 'did you get this?' });
    await alice.waitForEvent('message:updated', (u) => u.id === m.id && u.state === 'delivered');
    await bob2.waitForEvent('conversation:updated', (c) => c.peer === `alice@${server.domain}` && c.unread === 1);
    const bobConv = (await bob.must('chats:list', {})).find((c) => c.peer === `alice@${server.domain}`)!;
    const mark2 = bob2.mark();
    await bob.must('chat:mark-read', { conversationId: bobConv.id });
    await alice.waitForEvent('message:updated', (u) => u.id === m.id && u.state === 'read');
    await bob2.waitForEvent('conversation:updated', (c) => c.peer === `alice@${server.domain}` && c.unread === 0, 10_000, mark2);
  });

  it('ignores a receipt or marker for our message that comes from someone else', async () => {
    await server.register('carol', 'c-pw');
    await server.register('mallory', 'm-pw');
    const conv = await alice.must('chat:open', { accountId: aliceAcc.id, peer: `carol@${server.domain}` });
    const m = await alice.must('chat:send', { conversationId: conv.id, body: 'for carol only' });
    await alice.waitForEvent('message:updated', (u) => u.id === m.id && u.state === 'sent');
    const mallory = createXmppClient({
      jid: `mallory@${server.domain}`,
      password: 'm-pw',
      resource: 'x',
      service: `xmpp://127.0.0.1:${server.c2sPort}`,
      pinned: server.cert.fingerprint256,
    });
    mallory.on('error', () => {});
    await mallory.start();
    try {
      await mallory.send(xml('message', { to: `alice@${server.domain}` }, xml('received', { xmlns: 'urn:xmpp:receipts', id: m.originId })));
      await mallory.send(
        xml('message', { to: `alice@${server.domain}` }, xml('displayed', { xmlns: 'urn:xmpp:chat-markers:0', id: m.originId })),
      );
      await mallory.send(
        xml(
          'message',
          { to: `alice@${server.domain}`, type: 'chat', id: 'after' },
          xml('body', {}, 'done'),
          xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: 'after' }),
        ),
      );
      await alice.waitForEvent('message:added', (ms) => ms.some((x) => x.body === 'done'));
      const history = await alice.must('chat:history', { conversationId: conv.id });
      expect(history.messages.find((x) => x.id === m.id)!.state).toBe('sent');
    } finally {
      await closeClient(mallory);
    }
  });
});

describe('read state across devices without markers (XEP-0490)', () => {
  it('a chat read on one device is read on the other, even with someone who gets no markers', async () => {
    // Carol is not a contact: no receipts or markers go to her, so only MDS can carry "read".
    await server.register('carol2', 'c2-pw');
    const carol = await startTestCore();
    try {
      const carolAcc = await add(carol, 'carol2', 'c2-pw');
      const conv = await carol.must('chat:open', { accountId: carolAcc.id, peer: `bob@${server.domain}` });
      await carol.must('chat:send', { conversationId: conv.id, body: 'hello from a stranger' });
      await bob.waitForEvent('conversation:updated', (c) => c.peer === `carol2@${server.domain}` && c.unread === 1);
      await bob2.waitForEvent('conversation:updated', (c) => c.peer === `carol2@${server.domain}` && c.unread === 1);
      const mark2 = bob2.mark();
      const bobConv = (await bob.must('chats:list', {})).find((c) => c.peer === `carol2@${server.domain}`)!;
      await bob.must('chat:mark-read', { conversationId: bobConv.id });
      await bob2.waitForEvent('conversation:updated', (c) => c.peer === `carol2@${server.domain}` && c.unread === 0, 10_000, mark2);
    } finally {
      await carol.stop();
    }
  });

  it('a device that was off learns what was read elsewhere when it signs in', async () => {
    await server.register('dave', 'd-pw');
    const dave = await startTestCore();
    try {
      const daveAcc = await add(dave, 'dave', 'd-pw');
      const profile = bob2.profileDir;
      await bob2.stop({ keepProfile: true });
      const conv = await dave.must('chat:open', { accountId: daveAcc.id, peer: `bob@${server.domain}` });
      await dave.must('chat:send', { conversationId: conv.id, body: 'while you were away' });
      await bob.waitForEvent('conversation:updated', (c) => c.peer === `dave@${server.domain}` && c.unread === 1);
      const bobConv = (await bob.must('chats:list', {})).find((c) => c.peer === `dave@${server.domain}`)!;
      await bob.must('chat:mark-read', { conversationId: bobConv.id });
      bob2 = await startTestCore({ profileDir: profile });
      await bob2.waitForEvent('sync:state', (s) => s.phase === 'synced', 15_000);
      await expect
        .poll(async () => (await bob2.must('chats:list', {})).find((c) => c.peer === `dave@${server.domain}`)?.unread, { timeout: 10_000 })
        .toBe(0);
    } finally {
      await dave.stop();
    }
  });
});

describe('a message that bounces', () => {
  it('is marked failed with why (the window words it), and a retry sends it again once the address exists', async () => {
    const conv = await alice.must('chat:open', { accountId: aliceAcc.id, peer: `nobody@${server.domain}` });
    const m = await alice.must('chat:send', { conversationId: conv.id, body: 'anyone?' });
    const failed = await alice.waitForEvent('message:updated', (u) => u.id === m.id && u.state === 'failed');
    expect(failed.error).toMatchObject({ kind: 'bounced', condition: expect.stringMatching(/^(service-unavailable|item-not-found)$/) });
    await server.register('nobody', 'n-pw');
    const mark = alice.mark();
    expect((await alice.must('chat:retry', { messageId: m.id })).state).toBe('pending');
    await alice.waitForEvent('message:updated', (u) => u.id === m.id && u.state === 'sent', 10_000, mark);
  });
});

describe('a password that changed on the server', () => {
  it('shows auth-failed, and a new password fixes it without removing the account', async () => {
    await server.register('alice', 'new-pw'); // the password changed elsewhere
    const mark = alice.mark();
    await alice.must('accounts:disconnect', { accountId: aliceAcc.id });
    await alice.must('accounts:connect', { accountId: aliceAcc.id });
    await alice.waitForEvent('connection:state', (s) => s.status === 'error' && s.error?.code === 'auth-failed', 10_000, mark);
    const mark2 = alice.mark();
    await alice.must('accounts:set-password', { accountId: aliceAcc.id, password: 'new-pw' });
    await alice.waitForEvent('connection:state', (s) => s.status === 'online', 10_000, mark2);
    expect((await alice.must('chats:list', {})).length).toBeGreaterThan(0);
  });
});
