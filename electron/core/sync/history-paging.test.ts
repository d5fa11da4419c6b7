// Integration: history is never unreachable. A room joined for the first time, a room rejoined after
// 300 messages with no stored position, and a 1:1 chat on a fresh device: scrolling up ('chat:history'
// page after page, as the window does) reaches the very first message, each message exactly once, in
// the order it was written (the rejoin case: history-paging-away.test.ts). And archived and live
// messages of the same second keep their order.
// Real Prosody (mod_mam, mod_muc_mam), archive pages of 50 so that 300 messages span six of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import { closeClient, createXmppClient, type XmppClient } from '../../xmpp/client.js';
import type { ConversationId } from '../../../shared/ids.js';
import type { AccountView, MessageView } from '../../../shared/views.js';

let server: ProsodyServer;
let owner: TestCore; // bob: creates the rooms with Vireo
let ownerAcc: AccountView;
let carol: XmppClient; // writes the messages, as any other client would
const PAGE = 50;
const N = 300;

const rawClient = (user: string, resource: string) => {
  const c = createXmppClient({
    jid: `${user}@${server.domain}`,
    password: `${user}-pw`,
    resource,
    service: `xmpp://127.0.0.1:${server.c2sPort}`,
    pinned: server.cert.fingerprint256,
  });
  c.on('error', () => {});
  return c;
};

/** Everything 'chat:history' gives, newest page first, then each older page until nothing is left. */
async function scrollToTheTop(
  t: TestCore,
  conversationId: ConversationId,
): Promise<{ all: MessageView[]; pages: number; noServerHistory: boolean }> {
  let page = await t.must('chat:history', { conversationId, limit: 40 });
  const all = [...page.messages];
  let pages = 1;
  while (page.hasMore) {
    if (pages > 100) throw new Error('history never ends');
    page = await t.must('chat:history', { conversationId, limit: 40, beforeId: all[0]!.id });
    all.unshift(...page.messages);
    pages++;
  }
  return { all, pages, noServerHistory: !!page.noServerHistory };
}

/** Carol joins a room (it exists: bob made it) and says `#1` … `#n`, each a groupchat message. */
async function carolSays(room: string, n: number, from = 1) {
  const joined = new Promise<void>((resolve) => {
    const onStanza = (el: { is(n: string): boolean; attrs: Record<string, string>; getChild(n: string, ns?: string): unknown }) => {
      if (el.is('presence') && el.attrs.from === `${room}/Carol`) {
        carol.off('stanza', onStanza);
        resolve();
      }
    };
    carol.on('stanza', onStanza);
  });
  await carol.send(
    xml('presence', { to: `${room}/Carol` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' }, xml('history', { maxstanzas: '0' }))),
  );
  await joined;
  for (let i = from; i < from + n; i++) await carol.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, `#${i}`)));
}

const numbers = (ms: MessageView[]) => ms.filter((m) => !m.notice).map((m) => m.body);
const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, i) => `#${a + i}`);

beforeAll(async () => {
  server = await startProsody({ noOfflineStorage: true });
  for (const u of ['alice', 'bob', 'carol', 'dave', 'erin']) await server.register(u, `${u}-pw`);
  owner = await startTestCore();
  ownerAcc = await addSyncedAccount(owner, server, 'bob', 'bob-pw');
  carol = rawClient('carol', 'writer');
  await carol.start();
});
afterAll(async () => {
  if (carol) await closeClient(carol);
  await owner?.stop();
  await server?.stop();
});

describe('history is never unreachable', () => {
  it('a first join of a room with 300 archived messages: scrolling up reaches #1, each once, in order', async () => {
    const room = `full@${server.mucDomain}`;
    await owner.must('rooms:join', { accountId: ownerAcc.id, room, nick: 'Bob' });
    await carolSays(room, N);
    const alice = await startTestCore({ archivePageSize: PAGE });
    try {
      const acc = await addSyncedAccount(alice, server, 'alice', 'alice-pw');
      const joined = await alice.must('rooms:join', { accountId: acc.id, room, nick: 'Alice' });
      // The newest page comes with the join.
      await alice.waitForEvent('message:added', (ms) => ms.some((m) => m.body === `#${N}`), 15_000);
      const { all, pages } = await scrollToTheTop(alice, joined.conversationId);
      expect(numbers(all)).toEqual(range(1, N));
      expect(pages).toBeGreaterThan(N / 40);
    } finally {
      await alice.stop();
    }
  });

  it('a 1:1 chat on a fresh device: scrolling up reaches the first of 300 archived messages, each once, in order', async () => {
    const bobRaw = rawClient('bob', 'bulk');
    await bobRaw.start();
    try {
      for (let i = 1; i <= N; i++)
        await bobRaw.send(xml('message', { to: `alice@${server.domain}`, type: 'chat', id: `c${i}` }, xml('body', {}, `#${i}`)));
      // The last one is archived before the fresh device asks (a round trip after it).
      await bobRaw.iqCaller.request(xml('iq', { type: 'get', to: server.domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })));
    } finally {
      await closeClient(bobRaw);
    }
    const fresh = await startTestCore({ archivePageSize: PAGE });
    try {
      await addSyncedAccount(fresh, server, 'alice', 'alice-pw');
      const conv = (await fresh.must('chats:list', {})).find((c) => c.peer === `bob@${server.domain}`);
      expect(conv).toBeDefined();
      const { all } = await scrollToTheTop(fresh, conv!.id);
      expect(numbers(all)).toEqual(range(1, N));
    } finally {
      await fresh.stop();
    }
  });

  it('messages of the same second keep their order across archive and live', async () => {
    const room = `second@${server.mucDomain}`;
    await owner.must('rooms:join', { accountId: ownerAcc.id, room, nick: 'Bob' });
    const erin = await startTestCore();
    try {
      const acc = await addSyncedAccount(erin, server, 'erin', 'erin-pw');
      const joined = await erin.must('rooms:join', { accountId: acc.id, room, nick: 'Erin' });
      // Live, then away while several messages of the same second are written, then live again.
      await carolSays(room, 1, 1);
      await erin.waitForEvent('message:added', (ms) => ms.some((m) => m.body === '#1'));
      await erin.must('rooms:leave', { accountId: acc.id, room });
      for (let i = 2; i <= 6; i++) await carol.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, `#${i}`)));
      const mark = erin.mark();
      await erin.must('rooms:join', { accountId: acc.id, room, nick: 'Erin' });
      await erin.waitForEvent('message:added', (ms) => ms.some((m) => m.body === '#6'), 15_000, mark);
      await carol.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, '#7')));
      await erin.waitForEvent('message:added', (ms) => ms.some((m) => m.body === '#7'), 15_000, mark);
      const { all } = await scrollToTheTop(erin, joined.conversationId);
      expect(numbers(all)).toEqual(range(1, 7));
    } finally {
      await erin.stop();
    }
  });
});
