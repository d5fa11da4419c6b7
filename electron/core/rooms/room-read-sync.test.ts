// Integration: reading a room on one device clears its unread count on the user's other devices
// (XEP-0490). A room's messages carry the room's stanza-id, so the published item names the room as
// `by` (§4.2); before, it named the user's own JID, which no other client (and no Vireo) could match.
// Real Prosody with its MUC.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import { buildMdsFetch } from '../../xmpp/xep/0490-mds.js';
import type { AccountView } from '../../../shared/views.js';

let server: ProsodyServer;
let phone: TestCore;
let laptop: TestCore;
let bob: TestCore;
let phoneAcc: AccountView;
let bobAcc: AccountView;

beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'a-pw');
  await server.register('bob', 'b-pw');
  phone = await startTestCore();
  laptop = await startTestCore();
  bob = await startTestCore();
  phoneAcc = await addSyncedAccount(phone, server, 'alice', 'a-pw');
  await addSyncedAccount(laptop, server, 'alice', 'a-pw');
  bobAcc = await addSyncedAccount(bob, server, 'bob', 'b-pw');
});
afterAll(async () => {
  for (const t of [phone, laptop, bob]) await t?.stop();
  await server?.stop();
});

describe('a room read on one device', () => {
  it('is read on the other too, and the published item names the room', async () => {
    const room = `tea@${server.mucDomain}`;
    const bobRoom = await bob.must('rooms:join', { accountId: bobAcc.id, room, nick: 'Bob' });
    const joinedThere = laptop.mark();
    const onPhone = await phone.must('rooms:join', { accountId: phoneAcc.id, room, nick: 'Alice' });
    // The laptop follows the phone into the room (bookmarks).
    const onLaptop = await laptop.waitForEvent('room:updated', (r) => r.jid === room && r.state === 'joined', 10_000, joinedThere);
    await bob.must('chat:send', { conversationId: bobRoom.conversationId, body: 'first' });
    await bob.must('chat:send', { conversationId: bobRoom.conversationId, body: 'second' });
    await phone.waitForEvent('conversation:updated', (c) => c.id === onPhone.conversationId && c.unread === 2, 10_000);
    await laptop.waitForEvent('conversation:updated', (c) => c.id === onLaptop.conversationId && c.unread === 2, 10_000);

    const mark = laptop.mark();
    await phone.must('chat:mark-read', { conversationId: onPhone.conversationId });
    await laptop.waitForEvent('conversation:updated', (c) => c.id === onLaptop.conversationId && c.unread === 0, 10_000, mark);

    const res = await phone.core.connections.client(phoneAcc.id)!.iqCaller.request(xml('iq', { type: 'get' }, buildMdsFetch()), 10_000);
    const item = res
      .getChild('pubsub', 'http://jabber.org/protocol/pubsub')
      ?.getChild('items')
      ?.getChildren('item')
      .find((i) => i.attrs.id === room);
    const sid = item?.getChild('displayed', 'urn:xmpp:mds:displayed:0')?.getChild('stanza-id', 'urn:xmpp:sid:0');
    expect(sid?.attrs.by).toBe(room);
  });
});
