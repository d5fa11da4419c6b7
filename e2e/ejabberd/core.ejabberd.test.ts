// On a real ejabberd 23.01 started by e2e/fixtures/ejabberd.ts (which listens on loopback only, beside a
// system-wide ejabberd if one runs): sign-in on the three transports (STARTTLS, Direct TLS XEP-0368, WebSocket
// over TLS RFC 7395), the roster between two users, chat both ways, and messages sent while a contact
// was signed out reaching them exactly once (ejabberd delivers them from offline storage and has them
// in the archive too).
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEjabberd, type EjabberdServer } from '../fixtures/ejabberd.js';
import { startTestCore, type TestCore } from '../fixtures/core-harness.js';
import type { AccountView, ConversationView } from '../../shared/views.js';

let server: EjabberdServer;
let alice: TestCore; // STARTTLS
let bob: TestCore; // Direct TLS
let carol: TestCore; // WebSocket
let aliceAcc: AccountView;
let bobAcc: AccountView;
let carolAcc: AccountView;
const jid = (user: string) => `${user}@${server.domain}`;

async function bodies(t: TestCore, peer: string) {
  const conv = (await t.must('chats:list', {})).find((c) => c.peer === peer);
  if (!conv) return [];
  return (await t.must('chat:history', { conversationId: conv.id, limit: 500 })).messages.map((m) => `${m.direction}:${m.body}`);
}

async function signIn(t: TestCore, user: string, manual: Record<string, unknown>) {
  const mark = t.mark();
  const acc = await t.must('accounts:add', {
    jid: jid(user),
    password: `${user}-pw`,
    manual,
    pinnedCertificate: server.cert.fingerprint256,
  });
  const online = await t.waitForEvent('connection:state', (s) => s.accountId === acc.id && s.status === 'online', 20_000, mark);
  await t.waitForEvent('sync:state', (s) => s.accountId === acc.id && s.phase === 'synced', 20_000, mark);
  return { acc, online };
}

beforeAll(async () => {
  server = await startEjabberd();
  for (const u of ['alice', 'bob', 'carol']) await server.register(u, `${u}-pw`);
  [alice, bob, carol] = await Promise.all([startTestCore(), startTestCore(), startTestCore()]);
});
afterAll(async () => {
  for (const t of [alice, bob, carol]) await t?.stop();
  await server?.stop();
});

/** Listening TCP sockets ("address:port") of the processes in a process group. */
function listeningIn(group: number): string[] {
  const pids = new Set(
    execFileSync('ps', ['-o', 'pid=', '-g', String(group)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number),
  );
  const lines = execFileSync('ss', ['-Hltnp'], { encoding: 'utf8' }).split('\n');
  return lines.filter((l) => [...l.matchAll(/pid=(\d+)/g)].some((m) => pids.has(Number(m[1])))).map((l) => l.trim().split(/\s+/)[3]!);
}

describe('the ejabberd test server', () => {
  it('listens only on 127.0.0.1, on its own ports, with no epmd of its own', () => {
    const group = server.processGroup()!;
    const names = execFileSync('ps', ['-o', 'comm=', '-g', String(group)], { encoding: 'utf8' });
    expect(names).toContain('beam.smp');
    expect(names).not.toContain('epmd');
    expect(listeningIn(group).sort()).toEqual(
      [server.c2sPort, server.directTlsPort, server.httpsPort, server.distPort].map((p) => `127.0.0.1:${p}`).sort(),
    );
  });
});

describe('signing in to ejabberd', () => {
  it('works on STARTTLS, Direct TLS and WebSocket, and the account says which', async () => {
    const [a, b, c] = await Promise.all([
      signIn(alice, 'alice', { host: server.host, port: server.c2sPort, transport: 'starttls' }),
      signIn(bob, 'bob', { host: server.host, port: server.directTlsPort, transport: 'direct-tls' }),
      signIn(carol, 'carol', { websocketUrl: server.websocketUrl }),
    ]);
    [aliceAcc, bobAcc, carolAcc] = [a.acc, b.acc, c.acc];
    expect(a.online.endpoint).toMatchObject({ transport: 'starttls' });
    expect(b.online.endpoint).toMatchObject({ transport: 'direct-tls' });
    expect(c.online.endpoint).toMatchObject({ transport: 'websocket' });
  });

  it('says the password is wrong, and saves nothing', async () => {
    const t = await startTestCore();
    try {
      const r = await t.call('accounts:add', {
        jid: jid('alice'),
        password: 'wrong',
        manual: { host: server.host, port: server.c2sPort },
        pinnedCertificate: server.cert.fingerprint256,
      });
      expect(r).toMatchObject({ ok: false, error: { code: 'auth-failed' } });
      expect(await t.must('accounts:list', {})).toEqual([]);
    } finally {
      await t.stop();
    }
  });
});

describe('contacts on ejabberd', () => {
  it('alice adds bob; bob accepts; both see each other online', async () => {
    await alice.must('roster:add', { accountId: aliceAcc.id, jid: jid('bob'), name: 'Bobby' });
    await bob.waitForEvent('roster:requests', (e) => e.requests.some((r) => r.jid === jid('alice')));
    await bob.must('roster:accept', { accountId: bobAcc.id, jid: jid('alice') });
    await alice.waitForEvent('roster:changed', (e) =>
      e.contacts.some((c) => c.jid === jid('bob') && c.subscription === 'both' && c.presence === 'online' && c.name === 'Bobby'),
    );
    await bob.waitForEvent('roster:changed', (e) =>
      e.contacts.some((c) => c.jid === jid('alice') && c.subscription === 'both' && c.presence === 'online'),
    );
    expect((await alice.must('roster:snapshot', {})).requests).toEqual([]);
  });
});

describe('chatting on ejabberd', () => {
  let aliceConv: ConversationView;
  let bobConv: ConversationView;

  it('delivers messages both ways, each once, across transports', async () => {
    aliceConv = await alice.must('chat:open', { accountId: aliceAcc.id, peer: jid('bob') });
    const sent = await alice.must('chat:send', { conversationId: aliceConv.id, body: 'Hi Bob <b>not bold</b> & more' });
    await alice.waitForEvent('message:updated', (m) => m.id === sent.id && ['sent', 'delivered', 'read'].includes(m.state));
    await bob.waitForEvent('message:added', (ms) => ms.some((m) => m.direction === 'in' && m.body === 'Hi Bob <b>not bold</b> & more'));
    bobConv = (await bob.must('chats:list', {})).find((c) => c.peer === jid('alice'))!;
    expect(bobConv.unread).toBe(1);
    await bob.must('chat:send', { conversationId: bobConv.id, body: 'Hello Alice' });
    await alice.waitForEvent('message:added', (ms) => ms.some((m) => m.direction === 'in' && m.body === 'Hello Alice'));

    const carolConv = await carol.must('chat:open', { accountId: carolAcc.id, peer: jid('alice') });
    await carol.must('chat:send', { conversationId: carolConv.id, body: 'over WebSocket' });
    await alice.waitForEvent('message:added', (ms) => ms.some((m) => m.direction === 'in' && m.body === 'over WebSocket'));

    expect(await bodies(alice, jid('bob'))).toEqual(['out:Hi Bob <b>not bold</b> & more', 'in:Hello Alice']);
    expect(await bodies(bob, jid('alice'))).toEqual(['in:Hi Bob <b>not bold</b> & more', 'out:Hello Alice']);
    expect(await bodies(alice, jid('carol'))).toEqual(['in:over WebSocket']);
  });

  it('messages sent while bob was signed out reach him once each, in order, when he is back', async () => {
    const profileDir = bob.profileDir;
    await bob.stop({ keepProfile: true });
    for (let i = 0; i < 12; i++) await alice.must('chat:send', { conversationId: aliceConv.id, body: `while you were out ${i}` });
    await expect
      .poll(
        async () =>
          (await alice.must('chat:history', { conversationId: aliceConv.id, limit: 500 })).messages.filter((m) => m.state === 'pending')
            .length,
        { timeout: 10_000 },
      )
      .toBe(0);

    bob = await startTestCore({ profileDir });
    await bob.waitForEvent('sync:state', (s) => s.phase === 'synced', 20_000);
    const expected = [
      'in:Hi Bob <b>not bold</b> & more',
      'out:Hello Alice',
      ...Array.from({ length: 12 }, (_, i) => `in:while you were out ${i}`),
    ];
    await expect.poll(() => bodies(bob, jid('alice')), { timeout: 10_000 }).toEqual(expected);
    // Offline storage and the archive both had them: still once each, also a while later.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await bodies(bob, jid('alice'))).toEqual(expected);
    expect((await bob.must('chats:list', {})).find((c) => c.peer === jid('alice'))!.unread).toBe(13);
  });

  it('a message written while signed out is sent at the next sign-in, once', async () => {
    await alice.must('accounts:disconnect', { accountId: aliceAcc.id });
    const pending = await alice.must('chat:send', { conversationId: aliceConv.id, body: 'written offline' });
    expect(pending.state).toBe('pending');
    await alice.must('accounts:connect', { accountId: aliceAcc.id });
    await alice.waitForEvent('message:updated', (m) => m.id === pending.id && ['sent', 'delivered', 'read'].includes(m.state), 20_000);
    await bob.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'written offline'));
    await new Promise((r) => setTimeout(r, 1000));
    expect((await bodies(bob, jid('alice'))).filter((b) => b === 'in:written offline')).toHaveLength(1);
  });
});
