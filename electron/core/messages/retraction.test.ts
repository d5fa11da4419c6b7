// Integration: deleting messages for everyone on a real Prosody — XEP-0424 retraction in a one-to-one
// chat and in a room (checked by XEP-0421 occupant id), XEP-0425 moderation by a room owner (live and
// from the room's archive), forged requests that must change nothing, and occupant ids across a
// nickname change. "Gone" is checked where it matters: in each profile's database.
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Element } from '@xmpp/xml';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import { closeClient, createXmppClient, type XmppClient } from '../../xmpp/client.js';
import { buildJoinPresence, buildNickChangePresence } from '../../xmpp/xep/0045-muc.js';
import { buildRetraction } from '../../xmpp/xep/0424-retraction.js';
import { buildGroupchatMessage, buildChatMessage } from '../../xmpp/rfc/6121-message.js';
import { parseStanzaId } from '../../xmpp/xep/0359-stable-ids.js';
import type { AccountView, MessageView, RoomView } from '../../../shared/views.js';

let server: ProsodyServer;
let alice: TestCore;
let bob: TestCore;
let carol: TestCore;
let aliceAcc: AccountView;
let bobAcc: AccountView;
let carolAcc: AccountView;
let mallory: { client: XmppClient; seen: Element[] };
let room: string;

const jid = (user: string) => `${user}@${server.domain}`;

/** Every message body stored in a core's profile database, read from the file itself. */
function storedBodies(t: TestCore): string[] {
  const db = new Database(path.join(t.profileDir, 'vireo.sqlite'), { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare<[], { body: string }>('SELECT body FROM messages')
      .all()
      .map((r) => r.body);
  } finally {
    db.close();
  }
}

async function history(t: TestCore, conversationId: string): Promise<MessageView[]> {
  return (await t.must('chat:history', { conversationId, limit: 200 })).messages;
}

/** A plain XMPP client (not Vireo) for the attacker. */
async function rawClient(user: string, password: string) {
  const client = createXmppClient({
    jid: jid(user),
    password,
    resource: 'raw',
    service: `xmpp://127.0.0.1:${server.c2sPort}`,
    pinned: server.cert.fingerprint256,
  });
  client.on('error', () => {});
  const seen: Element[] = [];
  client.on('stanza', (el: Element) => seen.push(el));
  await client.start();
  return { client, seen };
}

async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  server = await startProsody();
  for (const u of ['alice', 'bob', 'carol', 'dave', 'mallory']) await server.register(u, `${u}-pw`);
  [alice, bob, carol] = await Promise.all([startTestCore(), startTestCore(), startTestCore()]);
  aliceAcc = await addSyncedAccount(alice, server, 'alice', 'alice-pw');
  bobAcc = await addSyncedAccount(bob, server, 'bob', 'bob-pw');
  carolAcc = await addSyncedAccount(carol, server, 'carol', 'carol-pw');
  mallory = await rawClient('mallory', 'mallory-pw');
  room = `cafe@${server.mucDomain}`;
});
afterAll(async () => {
  if (mallory) await closeClient(mallory.client);
  await Promise.all([alice?.stop(), bob?.stop(), carol?.stop()]);
  await server?.stop();
});

describe('retraction in a one-to-one chat (XEP-0424)', () => {
  let kept: MessageView;

  it('alice deletes a message for everyone: both see a tombstone, and the text is gone from both databases', async () => {
    const conv = await alice.must('chat:open', { accountId: aliceAcc.id, peer: jid('bob') });
    const secret = await alice.must('chat:send', { conversationId: conv.id, body: 'the secret plan' });
    await alice.must('chat:send', { conversationId: conv.id, body: 'keep this one' });
    const atBob = await bob.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'the secret plan'));
    const bobCopy = atBob.find((m) => m.body === 'the secret plan')!;
    kept = (await bob.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'keep this one'))).find(
      (m) => m.body === 'keep this one',
    )!;
    await alice.waitForEvent('message:updated', (m) => m.id === secret.id && m.state !== 'pending');

    const mark = bob.mark();
    const answer = await alice.must('chat:retract', { messageId: secret.id });
    expect(answer).toMatchObject({ id: secret.id, body: '', retracted: { by: 'sender' } });
    const seen = await bob.waitForEvent('message:updated', (m) => m.id === bobCopy.id && !!m.retracted, 10_000, mark);
    expect(seen).toMatchObject({ body: '', retracted: { by: 'sender' } });

    expect((await history(bob, bobCopy.conversationId)).map((m) => [m.body, m.retracted?.by])).toEqual([
      ['', 'sender'],
      ['keep this one', undefined],
    ]);
    expect((await history(alice, conv.id)).map((m) => [m.body, m.retracted?.by])).toEqual([
      ['', 'sender'],
      ['keep this one', undefined],
    ]);
    for (const t of [alice, bob]) {
      expect(storedBodies(t)).not.toContain('the secret plan');
      expect(storedBodies(t)).toContain('keep this one');
    }
  });

  it('a retraction of alice’s message sent by someone else changes nothing', async () => {
    expect(kept.originId).toBeTruthy();
    const mark = bob.mark();
    await mallory.client.send(buildRetraction({ to: jid('bob'), type: 'chat', targetId: kept.originId! }));
    // Then something bob will certainly show: the forgery went first on the same path.
    await mallory.client.send(buildChatMessage({ to: jid('bob'), body: 'hello from mallory', id: 'm-hello' }));
    await bob.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'hello from mallory'), 10_000, mark);
    const after = await history(bob, kept.conversationId);
    expect(after.find((m) => m.id === kept.id)).toMatchObject({ body: 'keep this one' });
    expect(after.find((m) => m.id === kept.id)?.retracted).toBeUndefined();
    expect(bob.events.slice(mark).some((e) => e.name === 'message:updated' && (e.payload as MessageView).id === kept.id)).toBe(false);
    // The forgery's fallback text is not stored as a message either.
    expect(storedBodies(bob).some((b) => b.includes('attempted to retract'))).toBe(false);
  });
});

describe('rooms: retraction by occupant id (XEP-0424, XEP-0421) and moderation (XEP-0425)', () => {
  let aliceRoom: RoomView;
  let bobRoom: RoomView;
  let carolRoom: RoomView;
  let bobStays: MessageView;

  const inRoom = async (t: TestCore, body: string, mark = 0) =>
    (await t.waitForEvent('message:added', (ms) => ms.some((m) => m.body === body && m.conversationId.endsWith(room)), 10_000, mark)).find(
      (m) => m.body === body,
    )!;

  it('everyone joins; the room vouches for occupant ids', async () => {
    aliceRoom = await alice.must('rooms:join', { accountId: aliceAcc.id, room, nick: 'Alice' });
    bobRoom = await bob.must('rooms:join', { accountId: bobAcc.id, room, nick: 'Bob' });
    carolRoom = await carol.must('rooms:join', { accountId: carolAcc.id, room, nick: 'Carol' });
    await mallory.client.send(buildJoinPresence(room, 'Mallory'));
    await alice.waitForEvent(
      'room:updated',
      (r) => r.jid === room && ['Bob', 'Carol', 'Mallory'].every((n) => r.occupants.some((o) => o.nick === n && !!o.occupantId)),
    );
    const ids = (await alice.must('rooms:list', {})).find((r) => r.jid === room)!.occupants.map((o) => o.occupantId);
    expect(new Set(ids).size).toBe(4);
  });

  it('bob deletes his message: alice and carol see it removed, and their databases no longer have it', async () => {
    const oops = await bob.must('chat:send', { conversationId: bobRoom.conversationId, body: 'oops, wrong room' });
    const atAlice = await inRoom(alice, 'oops, wrong room');
    const atCarol = await inRoom(carol, 'oops, wrong room');
    const [aMark, cMark] = [alice.mark(), carol.mark()];
    // The others know a room message by the id the room gave it: bob learns it when the room
    // reflects his message, a moment after the server acknowledged it.
    await expect.poll(async () => (await bob.call('chat:retract', { messageId: oops.id })).ok, { timeout: 10_000 }).toBe(true);
    for (const [t, copy, mark] of [
      [alice, atAlice, aMark],
      [carol, atCarol, cMark],
    ] as const) {
      const m = await t.waitForEvent('message:updated', (u) => u.id === copy.id && !!u.retracted, 10_000, mark);
      expect(m).toMatchObject({ body: '', senderNick: 'Bob', retracted: { by: 'sender' } });
      expect(storedBodies(t)).not.toContain('oops, wrong room');
    }
  });

  it('mallory, another occupant, cannot delete bob’s message (occupant ids differ)', async () => {
    const mark = alice.mark();
    await bob.must('chat:send', { conversationId: bobRoom.conversationId, body: 'bob stays' });
    bobStays = await inRoom(alice, 'bob stays', mark);
    // Mallory is really in the room and sees the id the room gave bob's message.
    const reflected = await until('bob’s message at mallory', () =>
      mallory.seen.find((el) => el.is('message') && el.getChildText('body') === 'bob stays'),
    );
    const sid = parseStanzaId(reflected, room);
    expect(sid).toBeTruthy();
    await mallory.client.send(buildRetraction({ to: room, type: 'groupchat', targetId: sid! }));
    // Something from mallory alice will certainly show, after the forgery on the same path.
    await mallory.client.send(buildGroupchatMessage({ to: room, body: 'mallory was here', id: 'm-here' }));
    await inRoom(alice, 'mallory was here', mark);
    expect((await history(alice, aliceRoom.conversationId)).find((m) => m.id === bobStays.id)).toMatchObject({ body: 'bob stays' });
    expect(alice.events.slice(mark).some((e) => e.name === 'message:updated' && (e.payload as MessageView).id === bobStays.id)).toBe(false);
    expect(storedBodies(alice).some((b) => b.includes('attempted to retract'))).toBe(false);
  });

  it('alice, the owner, removes carol’s message with a reason: every copy becomes a tombstone; bob may not moderate', async () => {
    const mark = { bob: bob.mark(), carol: carol.mark() };
    const sent = await carol.must('chat:send', { conversationId: carolRoom.conversationId, body: 'buy cheap watches' });
    const atAlice = await inRoom(alice, 'buy cheap watches');
    const atBob = await inRoom(bob, 'buy cheap watches', mark.bob);
    await carol.waitForEvent('message:updated', (m) => m.id === sent.id && m.state !== 'pending', 10_000, mark.carol);

    expect(await bob.call('rooms:moderate', { messageId: atBob.id })).toMatchObject({ ok: false, error: { code: 'room-forbidden' } });

    const removed = await alice.must('rooms:moderate', { messageId: atAlice.id, reason: 'spam' });
    expect(removed).toMatchObject({ id: atAlice.id, body: '', retracted: { by: 'moderator', reason: 'spam' } });
    const bobSees = await bob.waitForEvent('message:updated', (m) => m.id === atBob.id && !!m.retracted, 10_000, mark.bob);
    expect(bobSees).toMatchObject({ body: '', senderNick: 'Carol', retracted: { by: 'moderator', reason: 'spam' } });
    // Carol's own copy too: the room removed it for everyone.
    const carolSees = await carol.waitForEvent('message:updated', (m) => m.id === sent.id && !!m.retracted, 10_000, mark.carol);
    expect(carolSees).toMatchObject({ body: '', retracted: { by: 'moderator', reason: 'spam' } });
    for (const t of [alice, bob, carol]) expect(storedBodies(t)).not.toContain('buy cheap watches');
  });

  it('a newcomer catching up from the room’s archive gets tombstones, never the deleted texts', async () => {
    const dave = await startTestCore();
    try {
      const acc = await addSyncedAccount(dave, server, 'dave', 'dave-pw');
      const joined = await dave.must('rooms:join', { accountId: acc.id, room, nick: 'Dave' });
      await expect.poll(async () => (await history(dave, joined.conversationId)).length, { timeout: 10_000 }).toBe(4);
      const msgs = await history(dave, joined.conversationId);
      expect(msgs.map((m) => [m.senderNick, m.body, m.retracted?.by, m.retracted?.reason])).toEqual([
        // Prosody keeps bob's message and his retraction in the archive: applied in the same page.
        ['Bob', '', 'sender', undefined],
        ['Bob', 'bob stays', undefined, undefined],
        ['Mallory', 'mallory was here', undefined, undefined],
        // mod_muc_moderation replaced carol's message by a tombstone in the archive.
        ['Carol', '', 'moderator', 'spam'],
      ]);
      const everything = JSON.stringify(dave.events) + storedBodies(dave).join('\n');
      expect(everything).not.toContain('buy cheap watches');
      expect(everything).not.toContain('oops, wrong room');
    } finally {
      await dave.stop();
    }
  });

  it('a nickname change keeps the same occupant id, and the renamed person can still delete an earlier message', async () => {
    const before = (await alice.must('rooms:list', {})).find((r) => r.jid === room)!;
    const bobId = before.occupants.find((o) => o.nick === 'Bob')!.occupantId;
    expect(bobId).toBeTruthy();
    const mark = alice.mark();
    await bob.core.connections.client(bobAcc.id)!.send(buildNickChangePresence(room, 'Robert'));
    const renamed = await alice.waitForEvent(
      'room:updated',
      (r) => r.jid === room && r.occupants.some((o) => o.nick === 'Robert'),
      10_000,
      mark,
    );
    expect(renamed.occupants.find((o) => o.nick === 'Robert')?.occupantId).toBe(bobId);
    expect(renamed.occupants.some((o) => o.nick === 'Bob')).toBe(false);
    // A rename is not a departure: no update in between showed the room without him.
    const updates = alice.events
      .slice(mark)
      .filter((e) => e.name === 'room:updated')
      .map((e) => e.payload as RoomView)
      .filter((r) => r.jid === room);
    expect(updates.every((r) => r.occupants.some((o) => o.occupantId === bobId))).toBe(true);
    await bob.waitForEvent('room:updated', (r) => r.jid === room && r.nick === 'Robert');

    const bobCopy = (await history(bob, bobRoom.conversationId)).find((m) => m.body === 'bob stays')!;
    await bob.must('chat:retract', { messageId: bobCopy.id });
    const gone = await alice.waitForEvent('message:updated', (m) => m.id === bobStays.id && !!m.retracted, 10_000, mark);
    expect(gone).toMatchObject({ body: '', senderNick: 'Bob', retracted: { by: 'sender' } });
  });
});
