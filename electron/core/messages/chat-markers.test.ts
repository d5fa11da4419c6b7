// Integration: read markers (XEP-0333) both ways on a real Prosody. Contacts are raw XMPP clients, so
// every marker Vireo puts on the wire is counted and every marker it receives is exactly the one meant.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import type { AccountView, ConversationView, DeliveryState } from '../../../shared/views.js';
import { closeClient, createXmppClient, type XmppClient } from '../../xmpp/client.js';
import { bareOf } from '../../xmpp/jid.js';

const NS = 'urn:xmpp:chat-markers:0';
const settle = (ms = 1200) => new Promise((r) => setTimeout(r, ms));

let server: ProsodyServer;
let bob: TestCore;
let bobAcc: AccountView;
const raw: XmppClient[] = [];

/** A contact's client that records every message it gets and accepts subscription requests. */
interface Peer {
  client: XmppClient;
  jid: string;
  got: Element[];
}
async function peer(user: string, resource = 'raw'): Promise<Peer> {
  const jid = `${user}@${server.domain}`;
  const client = createXmppClient({
    jid,
    password: `${user}-pw`,
    resource,
    service: `xmpp://127.0.0.1:${server.c2sPort}`,
    pinned: server.cert.fingerprint256,
  });
  client.on('error', () => {});
  const got: Element[] = [];
  client.on('stanza', (el: Element) => {
    if (el.is('message')) got.push(el);
    if (el.is('presence') && el.attrs.type === 'subscribe') {
      void client.send(xml('presence', { to: el.attrs.from, type: 'subscribed' }));
      void client.send(xml('presence', { to: el.attrs.from, type: 'subscribe' }));
    }
  });
  await client.start();
  await client.send(xml('presence'));
  raw.push(client);
  return { client, jid, got };
}

/** The `displayed` markers `p` received from `fromBare` (their ids, in order). */
const displayedFrom = (p: Peer, fromBare: string) =>
  p.got
    .filter((el) => bareOf(el.attrs.from) === fromBare)
    .flatMap((el) => el.getChildren('displayed', NS).map((d) => d.attrs.id as string));

/** A chat message as other clients send it: with an origin-id equal to its id, markable unless told. */
const chat = (to: string, id: string, body: string, opts: { markable?: boolean; extra?: Element[] } = {}) =>
  xml(
    'message',
    { to, type: 'chat', id },
    xml('body', {}, body),
    xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id }),
    ...(opts.markable === false ? [] : [xml('markable', { xmlns: NS })]),
    ...(opts.extra ?? []),
  );
const marker = (to: string, kind: 'received' | 'displayed', id: string) =>
  xml('message', { to, type: 'chat', id: `mk-${kind}-${id}` }, xml(kind, { xmlns: NS, id }));

/** Mutual presence subscription between a core's account and a raw peer. */
async function befriend(t: TestCore, acc: AccountView, p: Peer) {
  await t.must('roster:add', { accountId: acc.id, jid: p.jid });
  // The peer asks back; Vireo may approve that at once, as the user asked first, or ask the user.
  for (const until = Date.now() + 10_000; ; await settle(100)) {
    const snap = await t.must('roster:snapshot', {});
    if (snap.contacts.some((c) => c.jid === p.jid && c.subscription === 'both')) return;
    if (snap.requests.some((r) => r.jid === p.jid)) await t.must('roster:accept', { accountId: acc.id, jid: p.jid });
    if (Date.now() > until) throw new Error(`no mutual subscription with ${p.jid}`);
  }
}

async function convWith(t: TestCore, jid: string): Promise<ConversationView> {
  await expect.poll(async () => (await t.must('chats:list', {})).some((c) => c.peer === jid), { timeout: 10_000 }).toBe(true);
  return (await t.must('chats:list', {})).find((c) => c.peer === jid)!;
}
async function states(t: TestCore, conversationId: string, bodies: string[]): Promise<(DeliveryState | undefined)[]> {
  const { messages } = await t.must('chat:history', { conversationId, limit: 200 });
  return bodies.map((b) => messages.find((m) => m.body === b)?.state);
}

beforeAll(async () => {
  // Messages to an account with no device online go only to its archive, as on most servers.
  server = await startProsody({ noOfflineStorage: true });
  for (const u of ['alice', 'bob', 'eve', 'dave', 'carol', 'frank']) await server.register(u, `${u}-pw`);
  bob = await startTestCore();
  bobAcc = await addSyncedAccount(bob, server, 'bob', 'bob-pw');
});
afterAll(async () => {
  for (const c of raw) await closeClient(c);
  await bob?.stop();
  await server?.stop();
});

describe('sending displayed markers', () => {
  let alice: Peer;
  let conv: ConversationView;
  beforeAll(async () => {
    alice = await peer('alice');
    await befriend(bob, bobAcc, alice);
  });

  it('reading a chat sends one marker, for the last message, however often the window says it was read', async () => {
    const mark = bob.mark();
    for (const i of [1, 2, 3]) await alice.client.send(chat(`bob@${server.domain}`, `a-${i}`, `hello ${i}`));
    await bob.waitForEvent('conversation:updated', (c) => c.peer === alice.jid && c.unread === 3, 10_000, mark);
    conv = await convWith(bob, alice.jid);
    await bob.must('chat:mark-read', { conversationId: conv.id });
    await bob.must('chat:mark-read', { conversationId: conv.id }); // e.g. the window was focused again
    await expect.poll(() => displayedFrom(alice, `bob@${server.domain}`).length, { timeout: 10_000 }).toBeGreaterThan(0);
    await settle();
    expect(displayedFrom(alice, `bob@${server.domain}`)).toEqual(['a-3']);
    // The next message read gets its own marker.
    const mark4 = bob.mark();
    await alice.client.send(chat(`bob@${server.domain}`, 'a-4', 'hello 4'));
    await bob.waitForEvent('conversation:updated', (c) => c.peer === alice.jid && c.unread === 1, 10_000, mark4);
    await bob.must('chat:mark-read', { conversationId: conv.id });
    await expect.poll(() => displayedFrom(alice, `bob@${server.domain}`), { timeout: 10_000 }).toEqual(['a-3', 'a-4']);
  });

  it('sends none for a message that did not ask for markers', async () => {
    const mark = bob.mark();
    await alice.client.send(chat(`bob@${server.domain}`, 'a-5', 'no markers please', { markable: false }));
    await bob.waitForEvent('conversation:updated', (c) => c.peer === alice.jid && c.unread === 1, 10_000, mark);
    await bob.must('chat:mark-read', { conversationId: conv.id });
    await settle();
    expect(displayedFrom(alice, `bob@${server.domain}`)).toEqual(['a-3', 'a-4']);
  });

  it('sends none to someone without a presence subscription (read state is not for strangers)', async () => {
    const eve = await peer('eve');
    const mark = bob.mark();
    await eve.client.send(chat(`bob@${server.domain}`, 'e-1', 'hi, you do not know me'));
    await bob.waitForEvent('conversation:updated', (c) => c.peer === eve.jid && c.unread === 1, 10_000, mark);
    await bob.must('chat:mark-read', { conversationId: (await convWith(bob, eve.jid)).id });
    await settle();
    expect(eve.got.filter((el) => el.getChild('displayed', NS))).toEqual([]);
  });

  it('sends none for a message our other device already marked (its marker seen in the archive while catching up)', async () => {
    const laptop = await startTestCore();
    try {
      const laptopAcc = await addSyncedAccount(laptop, server, 'bob', 'bob-pw');
      await laptop.must('accounts:disconnect', { accountId: laptopAcc.id });
      const mark = bob.mark();
      await alice.client.send(chat(`bob@${server.domain}`, 'a-6', 'read this on one device'));
      await bob.waitForEvent('conversation:updated', (c) => c.peer === alice.jid && c.unread === 1, 10_000, mark);
      await bob.must('chat:mark-read', { conversationId: conv.id });
      await expect.poll(() => displayedFrom(alice, `bob@${server.domain}`), { timeout: 10_000 }).toEqual(['a-3', 'a-4', 'a-6']);
      const back = laptop.mark();
      await laptop.must('accounts:connect', { accountId: laptopAcc.id });
      await laptop.waitForEvent('sync:state', (st) => st.phase === 'synced', 20_000, back);
      await laptop.must('chat:mark-read', { conversationId: (await convWith(laptop, alice.jid)).id });
      await settle();
      expect(displayedFrom(alice, `bob@${server.domain}`)).toEqual(['a-3', 'a-4', 'a-6']);
    } finally {
      await laptop.stop();
    }
  });

  it('sends none for archive pages while catching up, and one for the last message read once caught up', async () => {
    const dave = await startTestCore({ archivePageSize: 5 });
    try {
      const daveAcc = await addSyncedAccount(dave, server, 'dave', 'dave-pw');
      await befriend(dave, daveAcc, alice);
      await dave.must('accounts:disconnect', { accountId: daveAcc.id });
      for (let i = 1; i <= 12; i++) await alice.client.send(chat(`dave@${server.domain}`, `d-${i}`, `while you were away ${i}`));
      // The chat is open on the screen: every page that arrives is read at once.
      const off = dave.core.events.subscribe((name, payload) => {
        const added = name === 'message:added' ? (payload as { conversationId: string; peer: string }[]) : [];
        if (added.some((m) => m.peer === alice.jid)) void dave.call('chat:mark-read', { conversationId: added[0]!.conversationId });
      });
      try {
        const mark = dave.mark();
        await dave.must('accounts:connect', { accountId: daveAcc.id });
        const synced = await dave.waitForEvent('sync:state', (s) => s.phase === 'synced', 20_000, mark);
        expect(synced.fetched).toBeGreaterThanOrEqual(12);
        await expect.poll(() => displayedFrom(alice, `dave@${server.domain}`).length, { timeout: 10_000 }).toBeGreaterThan(0);
        await settle();
        expect(displayedFrom(alice, `dave@${server.domain}`)).toEqual(['d-12']);
      } finally {
        off();
      }
    } finally {
      await dave.stop();
    }
  });
});

describe('receiving markers for our messages', () => {
  let carol: Peer;
  let conv: ConversationView;
  const sent = ['one', 'two', 'three'];
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    carol = await peer('carol');
    conv = await bob.must('chat:open', { accountId: bobAcc.id, peer: carol.jid });
    await bob.must('chat:set-encryption', { conversationId: conv.id, mode: 'plain' });
    for (const body of sent) {
      const m = await bob.must('chat:send', { conversationId: conv.id, body });
      ids[body] = m.originId!;
    }
    // Acknowledged by the server (expect.poll is for tests, not hooks).
    for (const until = Date.now() + 20_000; (await states(bob, conv.id, sent)).some((st) => st !== 'sent'); await settle(100)) {
      if (Date.now() > until) throw new Error(`not sent: ${(await states(bob, conv.id, sent)).join(', ')}`);
    }
  });
  /** Carol says something after the markers: once it is here, the markers before it were handled. */
  let n = 0;
  async function afterwards() {
    const body = `sentinel ${++n}`;
    await carol.client.send(chat(`bob@${server.domain}`, `c-s${n}`, body, { markable: false }));
    await bob.waitForEvent('message:added', (ms) => ms.some((m) => m.body === body));
  }

  it('a receipt (XEP-0184) covers its own message; a marker covers every earlier one; markers never go back', async () => {
    await carol.client.send(
      xml('message', { to: `bob@${server.domain}`, id: 'r-1' }, xml('received', { xmlns: 'urn:xmpp:receipts', id: ids.two })),
    );
    await expect.poll(() => states(bob, conv.id, sent), { timeout: 10_000 }).toEqual(['sent', 'delivered', 'sent']);
    await carol.client.send(marker(`bob@${server.domain}`, 'received', ids.three!));
    await expect.poll(() => states(bob, conv.id, sent), { timeout: 10_000 }).toEqual(['delivered', 'delivered', 'delivered']);
    await carol.client.send(marker(`bob@${server.domain}`, 'displayed', ids.two!));
    await expect.poll(() => states(bob, conv.id, sent), { timeout: 10_000 }).toEqual(['read', 'read', 'delivered']);
    // A late marker for an earlier message changes nothing.
    await carol.client.send(marker(`bob@${server.domain}`, 'displayed', ids.one!));
    await carol.client.send(marker(`bob@${server.domain}`, 'received', ids.one!));
    await afterwards();
    expect(await states(bob, conv.id, sent)).toEqual(['read', 'read', 'delivered']);
    await carol.client.send(marker(`bob@${server.domain}`, 'displayed', ids.three!));
    await expect.poll(() => states(bob, conv.id, sent), { timeout: 10_000 }).toEqual(['read', 'read', 'read']);
  });

  it('a marker for a message not here yet is kept, and applied when the message comes from the archive', async () => {
    // Bob's other phone writes to carol and keeps it off this device (a private message: no carbon).
    const phone = await peer('bob', 'phone');
    await phone.client.send(
      chat(carol.jid, 'b-late', 'from my phone', {
        extra: [xml('private', { xmlns: 'urn:xmpp:carbons:2' }), xml('no-copy', { xmlns: 'urn:xmpp:hints' })],
      }),
    );
    await carol.client.send(marker(`bob@${server.domain}`, 'displayed', 'b-late'));
    await settle();
    expect(await states(bob, conv.id, ['from my phone'])).toEqual([undefined]);
    const mark = bob.mark();
    await bob.must('accounts:disconnect', { accountId: bobAcc.id });
    await bob.must('accounts:connect', { accountId: bobAcc.id });
    await bob.waitForEvent('sync:state', (s) => s.phase === 'synced', 20_000, mark);
    await expect.poll(() => states(bob, conv.id, ['from my phone']), { timeout: 10_000 }).toEqual(['read']);
  });
});

describe('markers in a room', () => {
  const room = () => `tea@${server.mucDomain}`;
  let frank: Peer;

  it("marks with the room's stanza-id, and one occupant's marker does not make our message read", async () => {
    const room = `tea@${server.mucDomain}`;
    const bobRoom = await bob.must('rooms:join', { accountId: bobAcc.id, room, nick: 'Bob' });
    frank = await peer('frank');
    let mark = bob.mark();
    await frank.client.send(xml('presence', { to: `${room}/Frank` }, xml('x', { xmlns: 'http://jabber.org/protocol/muc' })));
    await bob.waitForEvent('room:updated', (r) => r.jid === room && r.occupants.some((o) => o.nick === 'Frank'), 10_000, mark);
    /** The room's stanza-id (XEP-0359, by = the room) of what Frank sees the room relay. */
    const roomIdOf = async (body: string) => {
      await expect.poll(() => frank.got.some((el) => el.getChildText('body') === body), { timeout: 10_000 }).toBe(true);
      const el = frank.got.find((e) => e.getChildText('body') === body)!;
      return el.getChildren('stanza-id', 'urn:xmpp:sid:0').find((e) => e.attrs.by === room)!.attrs.id as string;
    };

    mark = bob.mark();
    await frank.client.send(
      xml('message', { to: room, type: 'groupchat', id: 'f-1' }, xml('body', {}, 'anyone for tea?'), xml('markable', { xmlns: NS })),
    );
    await bob.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'anyone for tea?'), 10_000, mark);
    const sid = await roomIdOf('anyone for tea?');
    expect(sid).not.toBe('f-1');
    await bob.must('chat:mark-read', { conversationId: bobRoom.conversationId });
    await expect.poll(() => displayedFrom(frank, room), { timeout: 10_000 }).toEqual([sid]);
    const sentMarker = frank.got.find((el) => el.getChild('displayed', NS))!;
    expect(sentMarker.attrs.type).toBe('groupchat');
    expect(sentMarker.attrs.from).toBe(`${room}/Bob`);

    // Frank marks Bob's message displayed, by the room's id and by Bob's own id: still not "read".
    const mine = await bob.must('chat:send', { conversationId: bobRoom.conversationId, body: 'the kettle is on' });
    await bob.waitForEvent('message:updated', (u) => u.id === mine.id && u.state === 'sent');
    const mineSid = await roomIdOf('the kettle is on');
    for (const id of [mineSid, mine.originId!]) {
      await frank.client.send(xml('message', { to: room, type: 'groupchat', id: `fm-${id}` }, xml('displayed', { xmlns: NS, id })));
    }
    mark = bob.mark();
    await frank.client.send(xml('message', { to: room, type: 'groupchat', id: 'f-2' }, xml('body', {}, 'lovely')));
    await bob.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'lovely'), 10_000, mark);
    const history = await bob.must('chat:history', { conversationId: bobRoom.conversationId, limit: 50 });
    expect(history.messages.find((m) => m.id === mine.id)!.state).toBe('sent');
  });

  it("sends none for the room's archive pages while it catches up after a rejoin, and one once caught up", async () => {
    const gina = await startTestCore({ archivePageSize: 5 });
    try {
      const acc = await addSyncedAccount(gina, server, 'dave', 'dave-pw');
      const joined = await gina.must('rooms:join', { accountId: acc.id, room: room(), nick: 'Dave' });
      // Something said while Dave is there: the room's archive position is remembered from it.
      let mark = gina.mark();
      await frank.client.send(
        xml('message', { to: room(), type: 'groupchat', id: 'g-0' }, xml('body', {}, 'hello Dave'), xml('markable', { xmlns: NS })),
      );
      await gina.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'hello Dave'), 10_000, mark);
      await gina.must('accounts:disconnect', { accountId: acc.id });
      for (let i = 1; i <= 12; i++) {
        await frank.client.send(
          xml(
            'message',
            { to: room(), type: 'groupchat', id: `g-${i}` },
            xml('body', {}, `room news ${i}`),
            xml('markable', { xmlns: NS }),
          ),
        );
      }
      await expect.poll(() => frank.got.some((el) => el.getChildText('body') === 'room news 12'), { timeout: 10_000 }).toBe(true);
      const last = frank.got.find((el) => el.getChildText('body') === 'room news 12')!;
      const lastSid = last.getChildren('stanza-id', 'urn:xmpp:sid:0').find((e) => e.attrs.by === room())!.attrs.id as string;
      // The room is open on the screen: every page that arrives is read at once.
      const off = gina.core.events.subscribe((name, payload) => {
        if (name === 'message:added' && (payload as { conversationId: string }[]).some((m) => m.conversationId === joined.conversationId)) {
          void gina.call('chat:mark-read', { conversationId: joined.conversationId });
        }
      });
      const fromDave = () =>
        frank.got
          .filter((el) => el.attrs.from === `${room()}/Dave`)
          .flatMap((el) => el.getChildren('displayed', NS).map((d) => d.attrs.id as string));
      try {
        mark = gina.mark();
        await gina.must('accounts:connect', { accountId: acc.id });
        await gina.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'room news 12'), 20_000, mark);
        await expect.poll(fromDave, { timeout: 10_000 }).not.toEqual([]);
        await settle();
        expect(fromDave()).toEqual([lastSid]);
      } finally {
        off();
      }
    } finally {
      await gina.stop();
    }
  });
});
