// On a real ejabberd 23.01: group rooms with their history (the room's own archive, XEP-0313 on MUC),
// and bookmarks that keep two devices of one account in the same rooms live. ejabberd advertises
// XEP-0411 (urn:xmpp:bookmarks-conversion:0), not XEP-0402's #compat: Vireo then keeps XEP-0048
// bookmarks in PEP (node storage:bookmarks), which the server keeps in step with XEP-0049 private
// storage, so that another device is told at once — and so is a client that writes private storage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import { startEjabberd, type EjabberdServer } from '../fixtures/ejabberd.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../fixtures/core-harness.js';
import { closeClient, createXmppClient, type XmppClient } from '../../electron/xmpp/client.js';
import type { AccountView } from '../../shared/views.js';

let server: EjabberdServer;
let one: TestCore; // alice, device A
let two: TestCore; // alice, device B
let bob: TestCore;
let oneAcc: AccountView;
let bobAcc: AccountView;
const room = (name: string) => `${name}@${server.mucDomain}`;
const joinedIn = (t: TestCore, jid: string, after?: number) =>
  t.waitForEvent('room:updated', (r) => r.jid === jid && r.state === 'joined', 15_000, after);
const joinedRooms = async (t: TestCore) =>
  (await t.must('rooms:list', {}))
    .filter((r) => r.state === 'joined')
    .map((r) => r.jid)
    .sort();

async function roomBodies(t: TestCore, accountId: AccountView['id'], jid: string) {
  const r = (await t.must('rooms:list', {})).find((x) => x.accountId === accountId && x.jid === jid);
  if (!r) return [];
  return (await t.must('chat:history', { conversationId: r.conversationId, limit: 500 })).messages.map((m) => m.body);
}

beforeAll(async () => {
  server = await startEjabberd();
  await server.register('alice', 'a-pw');
  await server.register('bob', 'b-pw');
  [one, two, bob] = await Promise.all([startTestCore(), startTestCore(), startTestCore()]);
  oneAcc = await addSyncedAccount(one, server, 'alice', 'a-pw');
  await addSyncedAccount(two, server, 'alice', 'a-pw');
  bobAcc = await addSyncedAccount(bob, server, 'bob', 'b-pw');
});
afterAll(async () => {
  for (const t of [one, two, bob]) await t?.stop();
  await server?.stop();
});

describe('rooms on ejabberd', () => {
  it('messages go both ways, and a newcomer gets the history from the room archive, once', async () => {
    const bobRoom = await bob.must('rooms:join', { accountId: bobAcc.id, room: room('lounge'), nick: 'Bob' });
    await joinedIn(bob, room('lounge'));
    for (const body of ['first', 'second', 'third']) await bob.must('chat:send', { conversationId: bobRoom.conversationId, body });
    await expect.poll(() => roomBodies(bob, bobAcc.id, room('lounge'))).toEqual(['first', 'second', 'third']);

    const mark = one.mark();
    const aliceRoom = await one.must('rooms:join', { accountId: oneAcc.id, room: room('lounge'), nick: 'Alice' });
    await joinedIn(one, room('lounge'), mark);
    await expect.poll(() => roomBodies(one, oneAcc.id, room('lounge')), { timeout: 10_000 }).toEqual(['first', 'second', 'third']);

    await one.must('chat:send', { conversationId: aliceRoom.conversationId, body: 'hello from alice' });
    await expect.poll(() => roomBodies(bob, bobAcc.id, room('lounge'))).toEqual(['first', 'second', 'third', 'hello from alice']);
    // Her own message comes back from the room once, not twice.
    await expect.poll(() => roomBodies(one, oneAcc.id, room('lounge'))).toEqual(['first', 'second', 'third', 'hello from alice']);
  });
});

describe('bookmarks on ejabberd (XEP-0411: XEP-0048 in PEP, in step with private storage)', () => {
  it('the other device followed the first join above live', async () => {
    // Device B was signed in all along: the room device A joined appears there without a restart.
    await expect.poll(() => joinedRooms(two), { timeout: 15_000 }).toContain(room('lounge'));
  });

  it('a room joined on device A appears live on device B, and leaving it leaves it there too', async () => {
    const mark = two.mark();
    await one.must('rooms:join', { accountId: oneAcc.id, room: room('live'), nick: 'Alice' });
    const joined = await joinedIn(two, room('live'), mark);
    expect(joined.nick).toBe('Alice');
    expect(await joinedRooms(two)).toEqual([room('live'), room('lounge')]);

    const left = two.mark();
    await one.must('rooms:leave', { accountId: oneAcc.id, room: room('live') });
    await two.waitForEvent('room:updated', (r) => r.jid === room('live') && r.state === 'left', 15_000, left);
    expect(await joinedRooms(two)).toEqual([room('lounge')]);
  });

  describe('written by another client through private XML storage (XEP-0049)', () => {
    let raw: XmppClient;
    beforeAll(async () => {
      raw = createXmppClient({
        jid: `alice@${server.domain}`,
        password: 'a-pw',
        resource: 'legacy',
        service: `xmpp://127.0.0.1:${server.c2sPort}`,
        pinned: server.cert.fingerprint256,
      });
      raw.on('error', () => {});
      await raw.start();
    });
    afterAll(async () => raw && closeClient(raw));

    it('a bookmark stored there with autojoin appears live on both devices, and what Vireo stored is kept', async () => {
      const got = await raw.iqCaller.request(
        xml('iq', { type: 'get' }, xml('query', { xmlns: 'jabber:iq:private' }, xml('storage', { xmlns: 'storage:bookmarks' }))),
        10_000,
      );
      const storage = got.getChild('query', 'jabber:iq:private')!.getChild('storage', 'storage:bookmarks')!;
      // What Vireo wrote through PEP is in private storage too (the server keeps them in step).
      expect(storage.getChildren('conference').map((c) => [c.attrs.jid, c.attrs.autojoin])).toEqual(
        expect.arrayContaining([
          [room('lounge'), 'true'],
          [room('live'), 'false'],
        ]),
      );
      const [markOne, markTwo] = [one.mark(), two.mark()];
      storage.append(xml('conference', { jid: room('legacy'), autojoin: 'true', name: 'Old client' }, xml('nick', {}, 'Al')));
      await raw.iqCaller.request(xml('iq', { type: 'set' }, xml('query', { xmlns: 'jabber:iq:private' }, storage)), 10_000);
      const [a, b] = await Promise.all([joinedIn(one, room('legacy'), markOne), joinedIn(two, room('legacy'), markTwo)]);
      expect([a.nick, b.nick]).toEqual(['Al', 'Al']);
      expect(await joinedRooms(two)).toEqual([room('legacy'), room('lounge')]);
    });
  });

  it('a device that signs in later joins what the bookmarks say', async () => {
    const three = await startTestCore();
    try {
      const mark = three.mark();
      await addSyncedAccount(three, server, 'alice', 'a-pw');
      await Promise.all([joinedIn(three, room('lounge'), mark), joinedIn(three, room('legacy'), mark)]);
      expect(await joinedRooms(three)).toEqual([room('legacy'), room('lounge')]);
    } finally {
      await three.stop();
    }
  });
});
