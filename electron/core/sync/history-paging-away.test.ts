// Integration, on a Prosody of its own: a room rejoined after 300 messages, with no stored position —
// scrolling up ('chat:history' page after page, as the window does) reaches #1, each message once, in
// order, and a live one comes after them. It failed now and then (the history stopped at #102): a page
// that the database filled exactly, with nothing older stored, was answered as the top without asking
// the archive. How much is stored after the rejoin depends on how far Prosody had got through carol's
// messages when it came, hence now and then; the second case fills the window's page exactly, always.
// Real Prosody (mod_mam, mod_muc_mam), archive pages of 50.
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
  limit = 40,
): Promise<{ all: MessageView[]; pages: number; noServerHistory: boolean }> {
  let page = await t.must('chat:history', { conversationId, limit });
  const all = [...page.messages];
  let pages = 1;
  while (page.hasMore) {
    if (pages > 100) throw new Error('history never ends');
    page = await t.must('chat:history', { conversationId, limit, beforeId: all[0]!.id });
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
  it('300 room messages while away, with no stored position: all reachable, once, in order; a live one after them', async () => {
    const room = `away@${server.mucDomain}`;
    await owner.must('rooms:join', { accountId: ownerAcc.id, room, nick: 'Bob' });
    const dave = await startTestCore({ archivePageSize: PAGE });
    try {
      const acc = await addSyncedAccount(dave, server, 'dave', 'dave-pw');
      // Dave joins while nobody has said anything (so nothing tells where he stopped), then leaves.
      const first = await dave.must('rooms:join', { accountId: acc.id, room, nick: 'Dave' });
      await dave.must('rooms:leave', { accountId: acc.id, room });
      await carolSays(room, N);
      const mark = dave.mark();
      await dave.must('rooms:join', { accountId: acc.id, room, nick: 'Dave' });
      await dave.waitForEvent('message:added', (ms) => ms.some((m) => m.body === `#${N}`), 15_000, mark);
      await carol.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, `#${N + 1}`)));
      await dave.waitForEvent('message:added', (ms) => ms.some((m) => m.body === `#${N + 1}`), 15_000, mark);
      const { all } = await scrollToTheTop(dave, first.conversationId);
      expect(numbers(all)).toEqual(range(1, N + 1));
      // The window sorts by the core's order: it must agree with the history's.
      const orders = all.map((m) => m.order);
      expect(orders).toEqual([...orders].sort((a, b) => a - b));
    } finally {
      await dave.stop();
    }
  });

  it('a window page that holds exactly what is stored here: scrolling up still goes on into the archive', async () => {
    // The rejoin brings the newest archive page and 30 more arrive live; the archive also has everything
    // before them. The window asks for pages exactly as long as what is stored (the room's notices
    // included): the first page is full and nothing older is stored, but it is not the top.
    const room = `exact@${server.mucDomain}`;
    await owner.must('rooms:join', { accountId: ownerAcc.id, room, nick: 'Bob' });
    const erin = await startTestCore({ archivePageSize: PAGE });
    try {
      const acc = await addSyncedAccount(erin, server, 'erin', 'erin-pw');
      const first = await erin.must('rooms:join', { accountId: acc.id, room, nick: 'Erin' });
      await erin.must('rooms:leave', { accountId: acc.id, room });
      await carolSays(room, N);
      const mark = erin.mark();
      await erin.must('rooms:join', { accountId: acc.id, room, nick: 'Erin' });
      await erin.waitForEvent('message:added', (ms) => ms.some((m) => m.body === `#${N}`), 15_000, mark);
      for (let i = N + 1; i <= N + 30; i++) await carol.send(xml('message', { to: room, type: 'groupchat' }, xml('body', {}, `#${i}`)));
      await erin.waitForEvent('message:added', (ms) => ms.some((m) => m.body === `#${N + 30}`), 15_000, mark);
      const stored = new Set(
        erin.events
          .filter((e) => e.name === 'message:added')
          .flatMap((e) => (e.payload as MessageView[]).filter((m) => m.conversationId === first.conversationId).map((m) => m.id)),
      );
      expect(stored.size).toBeLessThan(N);
      const { all } = await scrollToTheTop(erin, first.conversationId, stored.size);
      expect(numbers(all)).toEqual(range(1, N + 30));
    } finally {
      await erin.stop();
    }
  });
});
