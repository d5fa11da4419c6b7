// Integration (issue #4, spoofing): while alice's core fetches a room's history from the room's
// archive (sync.ts catchUpRoom → queryPage), forged archive results reach her on a real Prosody, and
// nothing of them may be stored as if the room had said it; then private messages "from" occupants who
// are not in the room.
//
// How the forgeries meet an open query: the test wraps the send of alice's own client so that each MAM
// <query/> to the room is held back until the forgeries for it have arrived (the core registers the
// query id before it sends, so the query is open and the room has not answered yet: a slow archive).
// The held query's `queryid` is read from it there — the one thing an attacker would have to guess.
// That the forgeries "have arrived" is seen on the client's 'element' event, which fires after the
// core's middleware has handled the stanza (synchronously, for archive results). Then the query goes
// out and the room's genuine answer follows.
//
// Who forges what (no client can send from a room's JID on a real server, so nothing is faked that
// the server would not let through):
// - the room's own bare JID with a guessed or an earlier (closed) query id: Prosody's admin shell makes
//   the room send it, standing in for a room service that is hostile or confused;
// - Mallory, a user, with the right query id: from her own JID, and relayed by the room from her
//   occupant JID (a groupchat message and a private message carrying a <result/>);
// - Mallory, in the room's archive itself: a message she said in the room with a forged <result/>
//   inside it, which comes back as a genuine archive result and must not be unwrapped again.
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import { closeClient, createXmppClient, type XmppClient } from '../../xmpp/client.js';
import { buildJoinPresence, buildLeavePresence, NS_MUC_USER } from '../../xmpp/xep/0045-muc.js';
import { NS_MAM } from '../../xmpp/xep/0313-mam.js';
import { NS_FORWARD } from '../../xmpp/xep/0297-forward.js';
import type { AccountView, RoomView } from '../../../shared/views.js';

let server: ProsodyServer;
let alice: TestCore;
let bob: TestCore;
let mallory: XmppClient;
let aliceAcc: AccountView;
let bobAcc: AccountView;
let bobRoom: RoomView;
let room: string;

const muc = () => `prosody.hosts["${server.mucDomain}"].modules.muc`;
const aliceClient = () => alice.core.connections.client(aliceAcc.id)!;
const aliceFull = () => aliceClient().jid!.toString();

async function roomBodies(t: TestCore, conversationId: string) {
  return (await t.must('chat:history', { conversationId, limit: 200 })).messages.map(
    (m) => `${m.direction}:${m.senderNick ?? ''}:${m.body}`,
  );
}

/** Nothing forged may be anywhere: not in what the UI was told, not in the database. */
function expectNoForgery(t: TestCore) {
  expect(JSON.stringify(t.events)).not.toContain('FORGED');
  const db = ['vireo.sqlite', 'vireo.sqlite-wal']
    .map((f) => path.join(t.profileDir, f))
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString('latin1'))
    .join('');
  expect(db.length).toBeGreaterThan(0);
  expect(db).not.toContain('FORGED');
}

/** Stanzas the room's service sends, through the room (Prosody's admin shell as a hostile service). */
async function roomSends(stanzas: Element[]) {
  const list = stanzas.map((s) => `[==[${s.toString()}]==]`).join(', ');
  const out = await server.shell(
    `>local r = ${muc()}.get_room_from_jid("${room}"); for _, s in ipairs({ ${list} }) do r:route_stanza(require("util.xml").parse(s)) end; return "routed"`,
  );
  expect(out).toContain('routed');
}

let forgeries = 0;
/** A MAM result for `queryId` claiming that Bob said `FORGED <label>` in the room. */
function forgedResult(queryId: string, label: string): { id: string; el: Element } {
  const id = `forged-${++forgeries}`;
  const el = xml(
    'result',
    { xmlns: NS_MAM, queryid: queryId, id },
    xml(
      'forwarded',
      { xmlns: NS_FORWARD },
      xml('delay', { xmlns: 'urn:xmpp:delay', stamp: new Date().toISOString() }),
      xml('message', { xmlns: 'jabber:client', from: `${room}/Bob`, type: 'groupchat', id }, xml('body', {}, `FORGED ${label}`)),
    ),
  );
  return { id, el };
}

/** Archive result ids (<result id>) that reached alice's client, after her core handled them. */
function watchResults(client: XmppClient) {
  const seen = new Set<string>();
  const on = (el: Element) => {
    const r = el.is('message') ? el.getChild('result', NS_MAM) : undefined;
    if (r?.attrs.id) seen.add(r.attrs.id as string);
  };
  client.on('element', on);
  return { seen, stop: () => client.off('element', on) };
}

/**
 * Holds each MAM query alice's client sends to the room until `meanwhile(queryId, earlierIds)` is done.
 * A failure there is kept for the test (the query still goes out, so the core is not left hanging).
 */
function holdRoomQueries(client: XmppClient, meanwhile: (queryId: string, earlier: string[]) => Promise<void>) {
  const send = client.send;
  const ids: string[] = [];
  /** Each query's RSM <before/>: '' for the latest page, an archive id for older history. */
  const before: (string | undefined)[] = [];
  const errors: unknown[] = [];
  client.send = async (el: Element) => {
    const query = el.is('iq') && el.attrs.to === room ? el.getChild('query', NS_MAM) : undefined;
    if (query) {
      const id = query.attrs.queryid as string;
      try {
        await meanwhile(id, [...ids]);
      } catch (err) {
        errors.push(err);
      }
      ids.push(id);
      before.push(query.getChild('set', 'http://jabber.org/protocol/rsm')?.getChildText('before') ?? undefined);
    }
    return send.call(client, el);
  };
  return { ids, before, errors, restore: () => void (client.send = send) };
}

/** Every kind of forgery for one open query; resolves once alice's core has handled them all. */
async function forgeFor(queryId: string, earlier: string[]) {
  const watch = watchResults(aliceClient());
  try {
    const to = aliceFull();
    // The room's own JID, but a query id the core never opened, or one it has closed.
    const fromRoom = [randomUUID(), ...earlier].map((q) => forgedResult(q, `from the room for query ${q}`));
    await roomSends(fromRoom.map((f) => xml('message', { from: room, to }, f.el)));
    // The right query id, from a user: Mallory's own JID (the server stamps it), and her occupant JID
    // when the room relays what she says in it or to alice privately.
    const own = forgedResult(queryId, 'from a user');
    await mallory.send(xml('message', { to }, own.el));
    const groupchat = forgedResult(queryId, 'relayed by the room as a groupchat message');
    await mallory.send(xml('message', { to: room, type: 'groupchat' }, groupchat.el));
    const pm = forgedResult(queryId, 'relayed by the room as a private message');
    await mallory.send(xml('message', { to: `${room}/Alice`, type: 'chat' }, pm.el));
    const ids = [...fromRoom, own, groupchat, pm].map((f) => f.id);
    await expect.poll(() => ids.filter((id) => !watch.seen.has(id)), { timeout: 10_000 }).toEqual([]);
  } finally {
    watch.stop();
  }
}

/** Mallory's own groupchat message, once the room has archived it and reflected it back to her. */
async function malloryInRoom(stanza: Element, body: string) {
  const echoed = new Promise<void>((resolve) => {
    const on = (el: Element) => {
      if (el.is('message') && el.attrs.from === `${room}/Mallory` && el.getChildText('body') === body) {
        mallory.off('element', on);
        resolve();
      }
    };
    mallory.on('element', on);
  });
  await mallory.send(stanza);
  await echoed;
}

async function bobSays(...bodies: string[]) {
  const mark = bob.mark();
  const ids: string[] = [];
  for (const body of bodies) ids.push((await bob.must('chat:send', { conversationId: bobRoom.conversationId, body })).id);
  // In the room's archive once the server has acknowledged them.
  for (const id of ids) await bob.waitForEvent('message:updated', (m) => m.id === id && m.state === 'sent', 10_000, mark);
}

beforeAll(async () => {
  server = await startProsody();
  for (const u of ['alice', 'bob', 'mallory']) await server.register(u, `${u}-pw`);
  // Pages of 3, so that catching up takes several queries, each of them forged against.
  alice = await startTestCore({ archivePageSize: 3 });
  bob = await startTestCore();
  aliceAcc = await addSyncedAccount(alice, server, 'alice', 'alice-pw');
  bobAcc = await addSyncedAccount(bob, server, 'bob', 'bob-pw');
  room = `den@${server.mucDomain}`;
  bobRoom = await bob.must('rooms:join', { accountId: bobAcc.id, room, nick: 'Bob' });
  mallory = createXmppClient({
    jid: `mallory@${server.domain}`,
    password: 'mallory-pw',
    resource: 'forge',
    service: `xmpp://127.0.0.1:${server.c2sPort}`,
    pinned: server.cert.fingerprint256,
  });
  mallory.on('error', () => {});
  await mallory.start();
  const mark = bob.mark();
  await mallory.send(buildJoinPresence(room, 'Mallory'));
  await bob.waitForEvent(
    'room:updated',
    (r) => r.jid === room && r.occupants.some((o) => o.nick === 'Mallory' && o.role === 'participant'),
    10_000,
    mark,
  );
  await bobSays('Tea at five', 'Bring biscuits', 'The den is open');
});
afterAll(async () => {
  if (mallory) await closeClient(mallory);
  await alice?.stop();
  await bob?.stop();
  await server?.stop();
});

describe('forged archive results while a room catches up', () => {
  let aliceRoom: RoomView;
  const firstHistory = ['in:Bob:Tea at five', 'in:Bob:Bring biscuits', 'in:Bob:The den is open'];

  it('joining: results with a guessed query id, or from anyone but the room, are dropped; the history is complete', async () => {
    const hold = holdRoomQueries(aliceClient(), forgeFor);
    try {
      aliceRoom = await alice.must('rooms:join', { accountId: aliceAcc.id, room, nick: 'Alice' });
      await expect.poll(() => roomBodies(alice, aliceRoom.conversationId), { timeout: 30_000 }).toEqual(firstHistory);
    } finally {
      hold.restore();
    }
    expect(hold.errors).toEqual([]);
    // A room new to this device: its latest page; then (the history shown asks for more than there is)
    // older pages from before its first message, each with the same forgeries.
    expect(hold.before[0]).toBe('');
    expect(hold.before.slice(1).every((b) => !!b)).toBe(true);
    expectNoForgery(alice);
    // No chat was opened with the forger either, nor with the room's occupants.
    expect((await alice.must('chats:list', {})).map((c) => c.peer)).toEqual([room]);
  }, 60_000);

  it('catching up page by page after a gap: the same forgeries on every page, and one inside the archive itself', async () => {
    await alice.must('rooms:leave', { accountId: aliceAcc.id, room });
    await bobSays('Kettle is on', 'Milk?');
    // Said in the room (so archived and genuine as Mallory's), with a forged result inside.
    const inside = forgedResult(randomUUID(), 'inside an archived message');
    await malloryInRoom(
      xml('message', { to: room, type: 'groupchat' }, xml('body', {}, 'Nothing to see here'), inside.el),
      'Nothing to see here',
    );
    await bobSays('No milk, thanks', 'Lemon then', 'Done');

    const hold = holdRoomQueries(aliceClient(), forgeFor);
    try {
      await alice.must('rooms:join', { accountId: aliceAcc.id, room, nick: 'Alice' });
      await expect
        .poll(() => roomBodies(alice, aliceRoom.conversationId), { timeout: 45_000 })
        .toEqual([
          ...firstHistory,
          'in:Bob:Kettle is on',
          'in:Bob:Milk?',
          'in:Mallory:Nothing to see here',
          'in:Bob:No milk, thanks',
          'in:Bob:Lemon then',
          'in:Bob:Done',
        ]);
    } finally {
      hold.restore();
    }
    expect(hold.errors).toEqual([]);
    expect(hold.ids.length).toBeGreaterThanOrEqual(2); // six new messages in pages of three
    expectNoForgery(alice);
    expect((await alice.must('chats:list', {})).map((c) => c.peer)).toEqual([room]);
  }, 90_000);
});

describe('private messages from someone who is not in the room', () => {
  it('are dropped (after Mallory left, from a nick nobody has, from a room alice is not in); the room may still speak for Bob', async () => {
    const list = await alice.must('rooms:list', {});
    expect(list.find((r) => r.jid === room)?.occupants.map((o) => o.nick)).toEqual(['Alice', 'Bob', 'Mallory']);
    // A genuine private message from Mallory while she is in the room, through the room.
    let mark = alice.mark();
    await mallory.send(xml('message', { to: `${room}/Alice`, type: 'chat', id: randomUUID() }, xml('body', {}, 'Psst, Alice')));
    await alice.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'Psst, Alice'), 10_000, mark);
    // She leaves: alice sees her go.
    mark = alice.mark();
    await mallory.send(buildLeavePresence(room, 'Mallory'));
    await alice.waitForEvent('room:updated', (r) => r.jid === room && !r.occupants.some((o) => o.nick === 'Mallory'), 10_000, mark);

    // The room's service then sends private messages as only it can: from Mallory, who has left; from
    // a nick nobody in the room has; from a room alice is not in; and last, from Bob, who is there.
    const pm = (from: string, body: string) =>
      xml('message', { from, to: aliceFull(), type: 'chat', id: randomUUID() }, xml('body', {}, body), xml('x', { xmlns: NS_MUC_USER }));
    mark = alice.mark();
    await roomSends([
      pm(`${room}/Mallory`, 'FORGED from Mallory after she left'),
      pm(`${room}/Ghost`, 'FORGED from a nick nobody has'),
      pm(`elsewhere@${server.mucDomain}/Someone`, 'FORGED from a room alice is not in'),
      pm(`${room}/Bob`, 'Bob, privately, through the room'),
    ]);
    await alice.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'Bob, privately, through the room'), 10_000, mark);

    const chats = await alice.must('chats:list', {});
    expect(chats.map((c) => `${c.kind}:${c.peer}`).sort()).toEqual([`pm:${room}/Bob`, `pm:${room}/Mallory`, `room:${room}`]);
    const mallorysChat = chats.find((c) => c.peer === `${room}/Mallory`)!;
    expect((await alice.must('chat:history', { conversationId: mallorysChat.id, limit: 50 })).messages.map((m) => m.body)).toEqual([
      'Psst, Alice',
    ]);
    expectNoForgery(alice);
  });
});
