// Integration: bookmarks keep two devices of the same account in the same rooms, on a real Prosody.
// XEP-0402 (the server advertises #compat): alice joins on device 1; device 2 joins after signing in,
// and live; leaving on device 1 leaves on device 2 and keeps the bookmark with autojoin off; a restart
// of device 1 with its rooms table wiped rejoins from the bookmarks alone. XEP-0048 (a server without
// XEP-0402, bookmarks in private XML storage): device 2 joins what device 1 joined, after sign-in.
// Removed from a room (kicked, room destroyed, banned while away): the bookmark stays with autojoin
// off, and a restart does not walk back in.
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import type { AccountView, RoomView } from '../../../shared/views.js';
import { buildBookmarksRequest, parseBookmarksResult } from '../../xmpp/xep/0402-bookmarks.js';
import { buildDestroyRoom } from '../../xmpp/xep/0045-muc-admin.js';

const joinedIn = (t: TestCore, room: string, after?: number) =>
  t.waitForEvent('room:updated', (r) => r.jid === room && r.state === 'joined', 15_000, after);

describe('bookmarks (XEP-0402)', () => {
  let server: ProsodyServer;
  let one: TestCore;
  let two: TestCore;
  let oneAcc: AccountView;
  let twoAcc: AccountView;
  const room = (name: string) => `${name}@${server.mucDomain}`;

  beforeAll(async () => {
    server = await startProsody();
    await server.register('alice', 'alice-pw');
    one = await startTestCore();
    oneAcc = await addSyncedAccount(one, server, 'alice', 'alice-pw');
  });
  afterAll(async () => {
    await one?.stop();
    await two?.stop();
    await server?.stop();
  });

  async function serverBookmarks(t: TestCore, accountId: AccountView['id']) {
    const client = t.core.connections.client(accountId)!;
    return parseBookmarksResult(await client.iqCaller.request(xml('iq', { type: 'get' }, buildBookmarksRequest()), 10_000));
  }

  it('a room joined on device 1 is joined by device 2 after it signs in', async () => {
    await one.must('rooms:join', { accountId: oneAcc.id, room: room('book'), nick: 'Alice' });
    await expect
      .poll(() => serverBookmarks(one, oneAcc.id), { timeout: 10_000 })
      .toEqual([expect.objectContaining({ jid: room('book'), autojoin: true, nick: 'Alice' })]);
    two = await startTestCore();
    const mark = two.mark();
    twoAcc = await addSyncedAccount(two, server, 'alice', 'alice-pw');
    const joined = await joinedIn(two, room('book'), mark);
    expect(joined.nick).toBe('Alice');
  });

  it('a room joined on device 1 is joined live on device 2', async () => {
    const mark = two.mark();
    await one.must('rooms:join', { accountId: oneAcc.id, room: room('live'), nick: 'Alice' });
    await joinedIn(two, room('live'), mark);
    expect(
      (await two.must('rooms:list', {}))
        .filter((r) => r.state === 'joined')
        .map((r) => r.jid)
        .sort(),
    ).toEqual([room('book'), room('live')]);
  });

  it('leaving on device 1 leaves on device 2 too, and the bookmark stays with autojoin off', async () => {
    const mark = two.mark();
    await one.must('rooms:leave', { accountId: oneAcc.id, room: room('live') });
    await two.waitForEvent('room:updated', (r) => r.jid === room('live') && r.state === 'left', 10_000, mark);
    await expect
      .poll(async () => (await serverBookmarks(one, oneAcc.id)).find((b) => b.jid === room('live')), { timeout: 10_000 })
      .toEqual(expect.objectContaining({ jid: room('live'), autojoin: false }));
    // Device 2 went along without undoing it.
    expect((await serverBookmarks(two, twoAcc.id)).find((b) => b.jid === room('live'))?.autojoin).toBe(false);
  });

  it('device 1 restarted with its rooms table wiped rejoins from the bookmarks (and not the room it left)', async () => {
    const profileDir = one.profileDir;
    await one.stop({ keepProfile: true });
    const db = new Database(path.join(profileDir, 'vireo.sqlite'));
    db.prepare('DELETE FROM rooms').run();
    db.close();
    one = await startTestCore({ profileDir });
    await joinedIn(one, room('book'));
    await one.waitForEvent('sync:state', (s) => s.accountId === oneAcc.id && s.phase === 'synced', 15_000);
    expect((await one.must('rooms:list', {})).map((r) => `${r.jid}:${r.state}`)).toEqual([`${room('book')}:joined`]);
  });
});

describe('bookmarks (XEP-0048, a server without XEP-0402)', () => {
  let server: ProsodyServer;
  let one: TestCore;
  let two: TestCore | undefined;

  beforeAll(async () => {
    server = await startProsody({ legacyBookmarksOnly: true });
    await server.register('dana', 'dana-pw');
    one = await startTestCore();
  });
  afterAll(async () => {
    await one?.stop();
    await two?.stop();
    await server?.stop();
  });

  it('a room joined on one device is joined by the other after sign-in; one left is not', async () => {
    const acc = await addSyncedAccount(one, server, 'dana', 'dana-pw');
    const kept = `kept@${server.mucDomain}`;
    const left = `left@${server.mucDomain}`;
    await one.must('rooms:join', { accountId: acc.id, room: kept, nick: 'Dana' });
    await one.must('rooms:join', { accountId: acc.id, room: left, nick: 'Dana' });
    await one.must('rooms:leave', { accountId: acc.id, room: left });
    // The legacy document, as another client would read it.
    const client = one.core.connections.client(acc.id)!;
    const read = async () => {
      const res = await client.iqCaller.request(
        xml('iq', { type: 'get' }, xml('query', { xmlns: 'jabber:iq:private' }, xml('storage', { xmlns: 'storage:bookmarks' }))),
        10_000,
      );
      return res
        .getChild('query')!
        .getChild('storage')!
        .getChildren('conference')
        .map((c) => `${c.attrs.jid}:${c.attrs.autojoin}:${c.getChildText('nick')}`)
        .sort();
    };
    await expect.poll(read, { timeout: 10_000 }).toEqual([`${kept}:true:Dana`, `${left}:false:Dana`]);
    two = await startTestCore();
    const mark = two.mark();
    await addSyncedAccount(two, server, 'dana', 'dana-pw');
    await joinedIn(two, kept, mark);
    expect((await two.must('rooms:list', {})).map((r) => `${r.jid}:${r.state}`)).toEqual([`${kept}:joined`]);
  });
});

describe('bookmarks of rooms the user was removed from (XEP-0402)', () => {
  let server: ProsodyServer;
  let alice: TestCore;
  let bob: TestCore;
  let aliceAcc: AccountView;
  let bobAcc: AccountView;
  const room = (name: string) => `${name}@${server.mucDomain}`;

  beforeAll(async () => {
    server = await startProsody();
    await server.register('alice', 'alice-pw');
    await server.register('bob', 'bob-pw');
    [alice, bob] = await Promise.all([startTestCore(), startTestCore()]);
    aliceAcc = await addSyncedAccount(alice, server, 'alice', 'alice-pw');
    bobAcc = await addSyncedAccount(bob, server, 'bob', 'bob-pw');
    // alice owns every room (she created it); bob is in each of them, bookmarked with autojoin.
    for (const name of ['kept', 'kicked', 'gone', 'banned']) {
      await alice.must('rooms:join', { accountId: aliceAcc.id, room: room(name), nick: 'Alice' });
      await bob.must('rooms:join', { accountId: bobAcc.id, room: room(name), nick: 'Bob' });
    }
  });
  afterAll(async () => {
    await alice?.stop();
    await bob?.stop();
    await server?.stop();
  });

  async function serverBookmarks(t: TestCore, accountId: AccountView['id']) {
    const client = t.core.connections.client(accountId)!;
    const items = parseBookmarksResult(await client.iqCaller.request(xml('iq', { type: 'get' }, buildBookmarksRequest()), 10_000));
    return Object.fromEntries(items.map((b) => [b.jid, b.autojoin]));
  }
  const removed = (t: TestCore, jid: string, code: string, after: number) =>
    t.waitForEvent('room:updated', (r) => r.jid === jid && r.state === 'error' && r.error?.code === code, 10_000, after);

  it('bob, kicked by alice, keeps the bookmark with autojoin off', async () => {
    await expect
      .poll(() => serverBookmarks(bob, bobAcc.id), { timeout: 10_000 })
      .toEqual({
        [room('kept')]: true,
        [room('kicked')]: true,
        [room('gone')]: true,
        [room('banned')]: true,
      });
    const mark = bob.mark();
    await alice.must('rooms:set-role', { accountId: aliceAcc.id, room: room('kicked'), nick: 'Bob', role: 'none', reason: 'Out' });
    await removed(bob, room('kicked'), 'room-kicked', mark);
    await expect.poll(async () => (await serverBookmarks(bob, bobAcc.id))[room('kicked')], { timeout: 10_000 }).toBe(false);
  });

  it('a room alice destroys is bookmarked with autojoin off too', async () => {
    const mark = bob.mark();
    const client = alice.core.connections.client(aliceAcc.id)!;
    await client.iqCaller.request(xml('iq', { type: 'set', to: room('gone') }, buildDestroyRoom({ reason: 'Closing' })), 10_000);
    expect(await removed(bob, room('gone'), 'room-destroyed', mark)).toMatchObject({ removalReason: 'Closing' });
    await expect.poll(async () => (await serverBookmarks(bob, bobAcc.id))[room('gone')], { timeout: 10_000 }).toBe(false);
  });

  it('after bob’s core restarts on its profile he is back only where he was not removed; a ban while away turns autojoin off', async () => {
    const profileDir = bob.profileDir;
    await bob.stop({ keepProfile: true });
    // Banned while bob's app was closed: he learns it when the room refuses him at sign-in.
    await alice.must('rooms:set-affiliation', {
      accountId: aliceAcc.id,
      room: room('banned'),
      jid: `bob@${server.domain}`,
      affiliation: 'outcast',
    });

    bob = await startTestCore({ profileDir });
    await joinedIn(bob, room('kept'));
    await removed(bob, room('banned'), 'room-banned', 0);
    await bob.waitForEvent('sync:state', (s) => s.accountId === bobAcc.id && s.phase === 'synced', 15_000);
    // Not back in the room he was kicked from, nor in the destroyed one (Prosody would have created it
    // afresh with bob as its owner): never even tried.
    const tried = bob.events.filter((e) => e.name === 'room:updated').map((e) => (e.payload as RoomView).jid);
    expect(tried).not.toContain(room('kicked'));
    expect(tried).not.toContain(room('gone'));
    expect((await bob.must('rooms:list', {})).map((r) => `${r.jid}:${r.state}`).sort()).toEqual([
      `${room('banned')}:error`,
      `${room('kept')}:joined`,
    ]);
    expect((await alice.must('rooms:list', {})).find((r) => r.jid === room('kicked'))?.occupants.map((o) => o.nick)).toEqual(['Alice']);
    await expect
      .poll(() => serverBookmarks(bob, bobAcc.id), { timeout: 10_000 })
      .toEqual({
        [room('kept')]: true,
        [room('kicked')]: false,
        [room('gone')]: false,
        [room('banned')]: false,
      });
  });
});
