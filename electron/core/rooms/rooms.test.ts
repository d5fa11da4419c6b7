// Integration: group rooms on a real Prosody MUC — join/create, occupants, messages both ways without
// duplicates, nickname conflict, history for a newcomer from the room's archive, automatic rejoin and
// catch-up after a restart, and a forged room message that must not be stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import { closeClient, createXmppClient } from '../../xmpp/client.js';
import type { AccountView, RoomView } from '../../../shared/views.js';

let server: ProsodyServer;
let alice: TestCore;
let bob: TestCore;
let aliceAcc: AccountView;
let bobAcc: AccountView;
let room: string;

const add = (t: TestCore, user: string, pw: string) => addSyncedAccount(t, server, user, pw);

async function roomBodies(t: TestCore, conversationId: string) {
  return (await t.must('chat:history', { conversationId, limit: 200 })).messages.map(
    (m) => `${m.direction}:${m.senderNick ?? ''}:${m.body}`,
  );
}

beforeAll(async () => {
  server = await startProsody();
  for (const u of ['alice', 'bob', 'carol']) await server.register(u, `${u}-pw`);
  alice = await startTestCore();
  bob = await startTestCore();
  aliceAcc = await add(alice, 'alice', 'alice-pw');
  bobAcc = await add(bob, 'bob', 'bob-pw');
  room = `tea@${server.mucDomain}`;
});
afterAll(async () => {
  await alice?.stop();
  await bob?.stop();
  await server?.stop();
});

describe('group rooms', () => {
  let aliceRoom: RoomView;
  let bobRoom: RoomView;

  it('alice creates a room by joining it; bob joins; both see each other', async () => {
    aliceRoom = await alice.must('rooms:join', { accountId: aliceAcc.id, room, nick: 'Alice' });
    expect(aliceRoom.state).toBe('joined');
    expect(aliceRoom.occupants).toEqual([expect.objectContaining({ nick: 'Alice', affiliation: 'owner', isSelf: true })]);
    bobRoom = await bob.must('rooms:join', { accountId: bobAcc.id, room, nick: 'Bob' });
    expect(bobRoom.occupants.map((o) => o.nick)).toEqual(['Alice', 'Bob']);
    await alice.waitForEvent(
      'room:updated',
      (r) => r.jid === room && r.occupants.some((o) => o.nick === 'Bob' && o.role === 'participant'),
    );
  });

  it('messages go both ways, each shown once, with who wrote them', async () => {
    const sent = await alice.must('chat:send', { conversationId: aliceRoom.conversationId, body: 'Tea, anyone?' });
    await bob.waitForEvent('message:added', (ms) =>
      ms.some((m) => m.body === 'Tea, anyone?' && m.senderNick === 'Alice' && m.direction === 'in'),
    );
    await alice.waitForEvent('message:updated', (m) => m.id === sent.id && m.state === 'sent');
    await bob.must('chat:send', { conversationId: bobRoom.conversationId, body: 'Yes please' });
    await alice.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'Yes please' && m.senderNick === 'Bob'));
    expect(await roomBodies(alice, aliceRoom.conversationId)).toEqual(['out:Alice:Tea, anyone?', 'in:Bob:Yes please']);
    expect(await roomBodies(bob, bobRoom.conversationId)).toEqual(['in:Alice:Tea, anyone?', 'out:Bob:Yes please']);
    expect((await alice.must('chats:list', {})).find((c) => c.peer === room)?.kind).toBe('room');
  });

  it('says so when the nickname is taken, and a newcomer gets the history from the room archive', async () => {
    const carol = await startTestCore();
    try {
      const acc = await add(carol, 'carol', 'carol-pw');
      const taken = await carol.call('rooms:join', { accountId: acc.id, room, nick: 'Bob' });
      expect(taken).toMatchObject({ ok: false, error: { code: 'room-nick-conflict' } });
      const joined = await carol.must('rooms:join', { accountId: acc.id, room, nick: 'Carol' });
      await expect
        .poll(() => roomBodies(carol, joined.conversationId), { timeout: 10_000 })
        .toEqual(['in:Alice:Tea, anyone?', 'in:Bob:Yes please']);
    } finally {
      await carol.stop();
    }
  });

  it('rejoins after a restart and catches up what was said meanwhile, once', async () => {
    const profileDir = alice.profileDir;
    await alice.stop({ keepProfile: true });
    const mark = bob.mark();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++)
      ids.push((await bob.must('chat:send', { conversationId: bobRoom.conversationId, body: `while alice was away ${i}` })).id);
    // Wait until the server has them all (acknowledged), not for a fixed time.
    for (const id of ids) await bob.waitForEvent('message:updated', (m) => m.id === id && m.state === 'sent', 10_000, mark);
    alice = await startTestCore({ profileDir });
    expect((await alice.must('rooms:list', {})).map((r) => r.jid)).toEqual([room]);
    await alice.waitForEvent('room:updated', (r) => r.jid === room && r.state === 'joined', 15_000);
    const expected = [
      'out:Alice:Tea, anyone?',
      'in:Bob:Yes please',
      ...Array.from({ length: 5 }, (_, i) => `in:Bob:while alice was away ${i}`),
    ];
    await expect.poll(() => roomBodies(alice, aliceRoom.conversationId), { timeout: 10_000 }).toEqual(expected);
  });

  it('does not store a "room message" that does not come from the room', async () => {
    const mallory = createXmppClient({
      jid: `carol@${server.domain}`,
      password: 'carol-pw',
      resource: 'spoof',
      service: `xmpp://127.0.0.1:${server.c2sPort}`,
      pinned: server.cert.fingerprint256,
    });
    mallory.on('error', () => {});
    await mallory.start();
    try {
      // Sent to alice's full JID (a groupchat to a bare JID is refused by the server itself): from a
      // user, not from the room, so it must not appear in the room.
      const aliceFull = alice.core.connections.client(aliceAcc.id)!.jid!.toString();
      await mallory.send(xml('message', { to: aliceFull, type: 'groupchat' }, xml('body', {}, 'I am the room, trust me')));
      await mallory.send(xml('message', { to: aliceFull, type: 'groupchat', from: `${room}/Bob` }, xml('body', {}, 'I am Bob, trust me')));
      await bob.must('chat:send', { conversationId: bobRoom.conversationId, body: 'after the spoof' });
      await alice.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'after the spoof'));
      expect(JSON.stringify(alice.events)).not.toContain('I am the room');
      expect(JSON.stringify(alice.events)).not.toContain('I am Bob');
    } finally {
      await closeClient(mallory);
    }
  });

  it('leaves the room; the others see her go, and it is no longer rejoined after a restart', async () => {
    await alice.must('rooms:leave', { accountId: aliceAcc.id, room });
    await bob.waitForEvent('room:updated', (r) => r.jid === room && !r.occupants.some((o) => o.nick === 'Alice'));
    const profileDir = alice.profileDir;
    await alice.stop({ keepProfile: true });
    alice = await startTestCore({ profileDir });
    expect(await alice.must('rooms:list', {})).toEqual([]);
  });
});
