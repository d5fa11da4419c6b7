// Integration: two devices of one account, carbons, archive catch-up after being offline, older
// history on demand, and forged stanzas that must change nothing. Real Prosody with mod_mam.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import { closeClient, createXmppClient, type XmppClient } from '../../xmpp/client.js';
import type { AccountView, ConversationView } from '../../../shared/views.js';

let server: ProsodyServer;
let phone: TestCore; // alice, first device
let laptop: TestCore; // alice, second device
let bob: TestCore;
let phoneAcc: AccountView;
let bobAcc: AccountView;
let bobConv: ConversationView;
const pin = () => server.cert.fingerprint256;
const ALICE = () => `alice@${server.domain}`;
const BOB = () => `bob@${server.domain}`;

const addAccount = (t: TestCore, user: string, pw: string) => addSyncedAccount(t, server, user, pw);

async function bodies(t: TestCore, peer: string) {
  const conv = (await t.must('chats:list', {})).find((c) => c.peer === peer);
  if (!conv) return [];
  return (await t.must('chat:history', { conversationId: conv.id, limit: 500 })).messages.map((m) => `${m.direction}:${m.body}`);
}

beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'a-pw');
  await server.register('bob', 'b-pw');
  await server.register('mallory', 'm-pw');
  phone = await startTestCore();
  laptop = await startTestCore();
  bob = await startTestCore();
  phoneAcc = await addAccount(phone, 'alice', 'a-pw');
  await addAccount(laptop, 'alice', 'a-pw');
  bobAcc = await addAccount(bob, 'bob', 'b-pw');
  bobConv = await bob.must('chat:open', { accountId: bobAcc.id, peer: ALICE() });
  // Archive sync of plain text: a device added later reads all of it. (With OMEMO, history from
  // before a device existed is not readable there by design; electron/core/omemo/omemo.test.ts covers that.)
  await bob.must('chat:set-encryption', { conversationId: bobConv.id, mode: 'plain' });
  const phoneConv = await phone.must('chat:open', { accountId: phoneAcc.id, peer: BOB() });
  await phone.must('chat:set-encryption', { conversationId: phoneConv.id, mode: 'plain' });
});
afterAll(async () => {
  for (const t of [phone, laptop, bob]) await t?.stop();
  await server?.stop();
});

describe('two devices of one account', () => {
  it('each sees what the other sends (carbons), and both receive what bob sends — once', async () => {
    const conv = await phone.must('chat:open', { accountId: phoneAcc.id, peer: BOB() });
    await phone.must('chat:send', { conversationId: conv.id, body: 'from my phone' });
    await laptop.waitForEvent('message:added', (ms) =>
      ms.some((m) => m.body === 'from my phone' && m.direction === 'out' && m.state === 'sent'),
    );
    await bob.must('chat:send', { conversationId: bobConv.id, body: 'hi both' });
    await phone.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'hi both'));
    await laptop.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'hi both'));
    await expect.poll(() => bodies(laptop, BOB())).toEqual(['out:from my phone', 'in:hi both']);
    expect(await bodies(phone, BOB())).toEqual(['out:from my phone', 'in:hi both']);
  });
});

describe('catching up from the archive', () => {
  it('a device that was off gets everything it missed, in order, exactly once', async () => {
    const profileDir = laptop.profileDir;
    await laptop.stop({ keepProfile: true });
    const phoneConv = (await phone.must('chats:list', {})).find((c) => c.peer === BOB())!;
    for (let i = 0; i < 30; i++) {
      await bob.must('chat:send', { conversationId: bobConv.id, body: `missed ${i}` });
      if (i % 10 === 9) await phone.must('chat:send', { conversationId: phoneConv.id, body: `phone reply ${i}` });
    }
    await expect.poll(() => bodies(phone, BOB()).then((b) => b.length), { timeout: 10_000 }).toBe(35);

    laptop = await startTestCore({ profileDir, archivePageSize: 7 });
    const mark = laptop.mark();
    const synced = await laptop.waitForEvent('sync:state', (s) => s.phase === 'synced', 20_000, mark);
    expect(synced.fetched).toBe(33);
    // Progress was reported page by page (7 per page), one message:added event per page.
    const pages = laptop.events.slice(mark).filter((e) => e.name === 'message:added');
    expect(pages.length).toBeGreaterThanOrEqual(5);
    // Exactly once, and in the order each sender wrote them. (The relative order of bob's and the
    // phone's messages may legitimately differ between devices: they crossed on the way.)
    const got = await bodies(laptop, BOB());
    expect([...got].sort()).toEqual([...(await bodies(phone, BOB()))].sort());
    expect(new Set(got).size).toBe(got.length);
    expect(got.filter((b) => b.startsWith('in:missed'))).toEqual(Array.from({ length: 30 }, (_, i) => `in:missed ${i}`));
    expect(got.filter((b) => b.startsWith('out:phone'))).toEqual(['out:phone reply 9', 'out:phone reply 19', 'out:phone reply 29']);
    expect(got.slice(0, 2)).toEqual(['out:from my phone', 'in:hi both']);
  });

  it('a new device shows the latest page at once and fetches older history when asked', async () => {
    const tablet = await startTestCore({ archivePageSize: 10 });
    try {
      await addAccount(tablet, 'alice', 'a-pw');
      const conv = (await tablet.must('chats:list', {})).find((c) => c.peer === BOB())!;
      expect(conv.unread).toBe(0); // history on a new device is not "new"
      const first = await tablet.must('chat:history', { conversationId: conv.id, limit: 10 });
      expect(first.messages).toHaveLength(10);
      const older = await tablet.must('chat:history', { conversationId: conv.id, limit: 10, beforeId: first.messages[0]!.id });
      expect(older.messages).toHaveLength(10);
      const all = [...older.messages, ...first.messages].map((m) => `${m.direction}:${m.body}`);
      // The newest 20 of the archive, in the archive's order, none twice.
      const reference = await bodies(laptop, BOB());
      expect(all).toEqual(reference.slice(-20));
    } finally {
      await tablet.stop();
    }
  });
});

describe('forged stanzas change nothing', () => {
  let mallory: XmppClient;
  let aliceFullJid: string;
  beforeAll(async () => {
    mallory = createXmppClient({
      jid: `mallory@${server.domain}`,
      password: 'm-pw',
      resource: 'evil',
      service: `xmpp://127.0.0.1:${server.c2sPort}`,
      pinned: pin(),
    });
    mallory.on('error', () => {});
    await mallory.start();
    aliceFullJid = phone.core.connections.client(phoneAcc.id)!.jid!.toString();
  });
  afterAll(async () => mallory && closeClient(mallory));

  it('drops a forged carbon, an archive result nobody asked for, and a roster push from a stranger', async () => {
    const before = await bodies(phone, BOB());
    const rosterBefore = (await phone.must('roster:snapshot', {})).contacts;
    const inner = (from: string, to: string, body: string) =>
      xml('message', { type: 'chat', from, to, id: `f-${body}` }, xml('body', {}, body));
    // A "sent" carbon claiming alice wrote something to bob.
    await mallory.send(
      xml(
        'message',
        { to: aliceFullJid, type: 'chat' },
        xml(
          'sent',
          { xmlns: 'urn:xmpp:carbons:2' },
          xml('forwarded', { xmlns: 'urn:xmpp:forward:0' }, inner(`${ALICE()}/x`, BOB(), 'forged carbon')),
        ),
      ),
    );
    // A "received" carbon claiming bob wrote to alice.
    await mallory.send(
      xml(
        'message',
        { to: aliceFullJid, type: 'chat' },
        xml(
          'received',
          { xmlns: 'urn:xmpp:carbons:2' },
          xml('forwarded', { xmlns: 'urn:xmpp:forward:0' }, inner(`${BOB()}/x`, ALICE(), 'forged received')),
        ),
      ),
    );
    // An archive result for a query alice never made.
    await mallory.send(
      xml(
        'message',
        { to: aliceFullJid },
        xml(
          'result',
          { xmlns: 'urn:xmpp:mam:2', queryid: 'guess', id: 'x1' },
          xml(
            'forwarded',
            { xmlns: 'urn:xmpp:forward:0' },
            xml('delay', { xmlns: 'urn:xmpp:delay', stamp: '2020-01-01T00:00:00Z' }),
            inner(`${BOB()}/x`, ALICE(), 'forged archive'),
          ),
        ),
      ),
    );
    // A roster push from a stranger adding himself.
    await mallory.send(
      xml(
        'iq',
        { to: aliceFullJid, type: 'set', id: 'push1' },
        xml(
          'query',
          { xmlns: 'jabber:iq:roster' },
          xml('item', { jid: `mallory@${server.domain}`, subscription: 'both', name: 'Trusted friend' }),
        ),
      ),
    );
    // A genuine message from mallory after them: once it has arrived, the forged ones were processed.
    await mallory.send(xml('message', { to: ALICE(), type: 'chat', id: 'real-1' }, xml('body', {}, 'plain hello')));
    await phone.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'plain hello'));
    expect(await bodies(phone, BOB())).toEqual(before);
    expect((await phone.must('roster:snapshot', {})).contacts).toEqual(rosterBefore);
    const all = JSON.stringify(phone.events);
    for (const s of ['forged carbon', 'forged received', 'forged archive', 'Trusted friend']) expect(all).not.toContain(s);
  });
});
