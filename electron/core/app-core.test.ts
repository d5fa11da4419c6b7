// Integration: two Vireo cores and a real Prosody — sign-in failures in words, pinning, roster
// operations between two users, chat both ways, history from the database after a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import net from 'node:net';
import { startProsody, type ProsodyServer } from '../../e2e/fixtures/prosody.js';
import { startTestCore, type TestCore } from '../../e2e/fixtures/core-harness.js';
import type { AccountView, ConversationView } from '../../shared/views.js';

let server: ProsodyServer;
let alice: TestCore;
let bob: TestCore;
let aliceAccount: AccountView;
let bobAccount: AccountView;
const manual = () => ({ host: '127.0.0.1', port: server.c2sPort });

beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'alice-secret-pw');
  await server.register('bob', 'bob-secret-pw');
  alice = await startTestCore();
  bob = await startTestCore();
});
afterAll(async () => {
  await alice?.stop();
  await bob?.stop();
  await server?.stop();
});

describe('adding an account', () => {
  it('shows the certificate with its fingerprint when it is not trusted, and signs in once the user pins it', async () => {
    const jid = `alice@${server.domain}`;
    const first = await alice.call('accounts:add', { jid, password: 'alice-secret-pw', manual: manual() });
    expect(first.ok).toBe(false);
    if (first.ok) return;
    expect(first.error.code).toBe('certificate-invalid');
    expect(first.error.certificate?.fingerprint256).toBe(server.cert.fingerprint256);
    expect(first.error.certificate?.reason).toMatch(/self-signed/);
    // Nothing was saved for a failed attempt.
    expect(await alice.must('accounts:list', {})).toEqual([]);

    aliceAccount = await alice.must('accounts:add', {
      jid,
      password: 'alice-secret-pw',
      manual: manual(),
      pinnedCertificate: first.error.certificate!.fingerprint256,
    });
    expect(aliceAccount.jid).toBe(jid);
    await alice.waitForEvent('connection:state', (s) => s.accountId === aliceAccount.id && s.status === 'online');

    bobAccount = await bob.must('accounts:add', {
      jid: `bob@${server.domain}`,
      password: 'bob-secret-pw',
      manual: manual(),
      pinnedCertificate: server.cert.fingerprint256,
    });
    await bob.waitForEvent('connection:state', (s) => s.accountId === bobAccount.id && s.status === 'online');
  });

  it('says the password is wrong, and saves nothing', async () => {
    const t = await startTestCore();
    try {
      const r = await t.call('accounts:add', {
        jid: `alice@${server.domain}`,
        password: 'wrong',
        manual: manual(),
        pinnedCertificate: server.cert.fingerprint256,
      });
      expect(r).toMatchObject({ ok: false, error: { code: 'auth-failed' } });
      expect(await t.must('accounts:list', {})).toEqual([]);
    } finally {
      await t.stop();
    }
  });

  it('says the server cannot be reached when nothing listens', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (s.address() as net.AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const r = await alice.call('accounts:add', {
      jid: `carol@${server.domain}`,
      password: 'x',
      manual: { host: '127.0.0.1', port: closed },
    });
    expect(r).toMatchObject({ ok: false, error: { code: 'server-unreachable' } });
  });

  it('asks what to do with the password when there is no keychain, and honours "don\'t remember it"', async () => {
    const t = await startTestCore({ secretBackend: 'none' });
    try {
      const input = {
        jid: `alice@${server.domain}`,
        password: 'alice-secret-pw',
        manual: manual(),
        pinnedCertificate: server.cert.fingerprint256,
      };
      expect(await t.call('accounts:add', input)).toMatchObject({ ok: false, error: { code: 'keychain-unavailable' } });
      const acc = await t.must('accounts:add', { ...input, secretFallback: 'memory' });
      expect(acc.secretBackend).toBe('memory');
    } finally {
      await t.stop();
    }
  });

  it('rejects malformed input at the IPC boundary', async () => {
    expect(await alice.call('accounts:add', { jid: 'not a jid', password: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });
    expect(await alice.call('chat:send', { conversationId: 'x', body: '' })).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
  });

  it('never writes the password into the database', async () => {
    const db = await readFile(path.join(alice.profileDir, 'vireo.sqlite'));
    const wal = await readFile(path.join(alice.profileDir, 'vireo.sqlite-wal')).catch(() => Buffer.alloc(0));
    expect(db.includes('alice-secret-pw')).toBe(false);
    expect(wal.includes('alice-secret-pw')).toBe(false);
  });
});

describe('contacts', () => {
  it('alice adds bob; bob sees the request, accepts, and both see each other online', async () => {
    await alice.must('roster:add', { accountId: aliceAccount.id, jid: `bob@${server.domain}`, name: 'Bobby' });
    await alice.waitForEvent('roster:changed', (e) =>
      e.contacts.some((c) => c.jid === `bob@${server.domain}` && c.pendingOut && c.name === 'Bobby'),
    );
    await bob.waitForEvent('roster:requests', (e) => e.requests.some((r) => r.jid === `alice@${server.domain}`));
    expect((await bob.must('roster:snapshot', {})).requests.map((r) => r.jid)).toEqual([`alice@${server.domain}`]);

    await bob.must('roster:accept', { accountId: bobAccount.id, jid: `alice@${server.domain}` });
    await bob.waitForEvent('roster:requests', (e) => e.requests.length === 0);
    // Accepting is mutual: bob asks for alice's presence too, and since alice added bob first her
    // side answers by itself — she is never asked about someone she added.
    await alice.waitForEvent('roster:changed', (e) =>
      e.contacts.some((c) => c.jid === `bob@${server.domain}` && c.subscription === 'both' && c.presence === 'online'),
    );
    expect((await alice.must('roster:snapshot', {})).requests).toEqual([]);
    await bob.waitForEvent('roster:changed', (e) =>
      e.contacts.some((c) => c.jid === `alice@${server.domain}` && c.subscription === 'both' && c.presence === 'online'),
    );
  });

  it('renames a contact, and the name comes back from the server', async () => {
    await alice.must('roster:rename', { accountId: aliceAccount.id, jid: `bob@${server.domain}`, name: 'Robert' });
    await alice.waitForEvent('roster:changed', (e) => e.contacts.some((c) => c.jid === `bob@${server.domain}` && c.name === 'Robert'));
  });

  it('refuses a request from a stranger, and removes a contact', async () => {
    await server.register('mallory', 'mallory-pw');
    const m = await startTestCore();
    try {
      const acc = await m.must('accounts:add', {
        jid: `mallory@${server.domain}`,
        password: 'mallory-pw',
        manual: manual(),
        pinnedCertificate: server.cert.fingerprint256,
      });
      await m.waitForEvent('connection:state', (s) => s.accountId === acc.id && s.status === 'online');
      await m.must('roster:add', { accountId: acc.id, jid: `bob@${server.domain}` });
      await bob.waitForEvent('roster:requests', (e) => e.requests.some((r) => r.jid === `mallory@${server.domain}`));
      await m.waitForEvent('roster:changed', (e) => e.contacts.some((c) => c.jid === `bob@${server.domain}` && c.pendingOut));
      const beforeRefuse = { bob: bob.mark(), m: m.mark() };
      await bob.must('roster:refuse', { accountId: bobAccount.id, jid: `mallory@${server.domain}` });
      await bob.waitForEvent(
        'roster:requests',
        (e) => !e.requests.some((r) => r.jid === `mallory@${server.domain}`),
        10_000,
        beforeRefuse.bob,
      );
      // Mallory learns she was refused: her pending request is gone.
      await m.waitForEvent(
        'roster:changed',
        (e) => e.contacts.some((c) => c.jid === `bob@${server.domain}` && !c.pendingOut && c.subscription === 'none'),
        10_000,
        beforeRefuse.m,
      );
      expect((await bob.must('roster:snapshot', {})).requests).toEqual([]);
      const beforeRemove = m.mark();
      await m.must('roster:remove', { accountId: acc.id, jid: `bob@${server.domain}` });
      await m.waitForEvent('roster:changed', (e) => e.removed.includes(`bob@${server.domain}` as never), 10_000, beforeRemove);
      expect((await m.must('roster:snapshot', {})).contacts).toEqual([]);
    } finally {
      await m.stop();
    }
  });
});

describe('chatting', () => {
  let aliceConv: ConversationView;

  it('delivers messages both ways, counts unread, and keeps text as text', async () => {
    aliceConv = await alice.must('chat:open', { accountId: aliceAccount.id, peer: `bob@${server.domain}` });
    const sent = await alice.must('chat:send', { conversationId: aliceConv.id, body: 'Hi Bob <b>not bold</b> & more' });
    expect(sent.state).toBe('pending');
    await alice.waitForEvent('message:updated', (m) => m.id === sent.id && ['sent', 'delivered', 'read'].includes(m.state));
    const got = await bob.waitForEvent('message:added', (ms) => ms.some((m) => m.direction === 'in'));
    expect(got[0]!.body).toBe('Hi Bob <b>not bold</b> & more');
    expect(got[0]!.peer).toBe(`alice@${server.domain}`);
    const bobConv = (await bob.must('chats:list', {})).find((c) => c.peer === `alice@${server.domain}`)!;
    expect(bobConv.unread).toBe(1);
    await bob.must('chat:mark-read', { conversationId: bobConv.id });
    expect((await bob.must('chats:list', {}))[0]!.unread).toBe(0);

    await bob.must('chat:send', { conversationId: bobConv.id, body: 'Hello Alice' });
    await alice.waitForEvent('message:added', (ms) => ms.some((m) => m.direction === 'in' && m.body === 'Hello Alice'));
    const history = await alice.must('chat:history', { conversationId: aliceConv.id });
    expect(history.messages.map((m) => [m.direction, m.body])).toEqual([
      ['out', 'Hi Bob <b>not bold</b> & more'],
      ['in', 'Hello Alice'],
    ]);
  });

  it('orders the chat list by last activity, and a new message moves a chat back to the top', async () => {
    await server.register('carol', 'carol-pw');
    const conv = await alice.must('chat:open', { accountId: aliceAccount.id, peer: `carol@${server.domain}` });
    await alice.must('chat:send', { conversationId: conv.id, body: 'Hi Carol' });
    expect((await alice.must('chats:list', {})).map((c) => c.peer)).toEqual([`carol@${server.domain}`, `bob@${server.domain}`]);
    const mark = alice.mark();
    const bobConv = (await bob.must('chats:list', {})).find((c) => c.peer === `alice@${server.domain}`)!;
    await bob.must('chat:send', { conversationId: bobConv.id, body: 'Still there?' });
    await alice.waitForEvent('conversation:updated', (c) => c.peer === `bob@${server.domain}` && c.unread === 2, 10_000, mark);
    const list = await alice.must('chats:list', {});
    expect(list.map((c) => [c.peer, c.unread])).toEqual([
      [`bob@${server.domain}`, 2],
      [`carol@${server.domain}`, 0],
    ]);
  });

  it('shows history from the database after a restart, before the network is back', async () => {
    const profileDir = alice.profileDir;
    await alice.stop({ keepProfile: true });
    alice = await startTestCore({ profileDir, start: false });
    const list = await alice.must('chats:list', {});
    const conv = list.find((c) => c.peer === `bob@${server.domain}`)!;
    expect(conv.lastMessage).toEqual({ body: 'Still there?', direction: 'in' });
    const history = await alice.must('chat:history', { conversationId: conv.id });
    expect(history.messages.map((m) => m.body)).toEqual(['Hi Bob <b>not bold</b> & more', 'Hello Alice', 'Still there?']);
    expect((await alice.must('accounts:list', {}))[0]!.connection.status).toBe('offline');
  });

  it('keeps a message written while offline and sends it at the next sign-in', async () => {
    const conv = (await alice.must('chats:list', {})).find((c) => c.peer === `bob@${server.domain}`)!;
    const pending = await alice.must('chat:send', { conversationId: conv.id, body: 'written offline' });
    expect(pending.state).toBe('pending');
    await alice.core.start();
    await alice.waitForEvent('message:updated', (m) => m.id === pending.id && ['sent', 'delivered', 'read'].includes(m.state));
    await bob.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'written offline'));
  });
});
