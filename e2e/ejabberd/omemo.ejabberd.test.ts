// On a real ejabberd 23.01: OMEMO (XEP-0384 v0.3, eu.siacs.conversations.axolotl) between Vireo cores.
// Keys and device lists live in ejabberd's PEP (whose default access model is 'presence', unlike
// Prosody's): alice has two devices (phone, laptop), bob one (desk). Encrypted by default, read on the
// contact's device and on the sender's other device (carbons), and from the archive after being away.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEjabberd, type EjabberdServer } from '../fixtures/ejabberd.js';
import { addSyncedAccount, startTestCore, untilOmemoDevice, type TestCore } from '../fixtures/core-harness.js';
import type { AccountView, ConversationView, MessageView } from '../../shared/views.js';

let server: EjabberdServer;
let phone: TestCore;
let laptop: TestCore;
let desk: TestCore;
let phoneAcc: AccountView;
let laptopAcc: AccountView;
let deskAcc: AccountView;
const ALICE = () => `alice@${server.domain}`;
const BOB = () => `bob@${server.domain}`;

const conv = (t: TestCore, acc: AccountView, peer: string): Promise<ConversationView> => t.must('chat:open', { accountId: acc.id, peer });
async function history(t: TestCore, acc: AccountView, peer: string): Promise<MessageView[]> {
  return (await t.must('chat:history', { conversationId: (await conv(t, acc, peer)).id, limit: 500 })).messages;
}
const received = (t: TestCore, body: string, after?: number) =>
  t.waitForEvent('message:added', (ms) => ms.some((m) => m.body === body), 15_000, after).then((ms) => ms.find((m) => m.body === body)!);

beforeAll(async () => {
  server = await startEjabberd();
  await server.register('alice', 'a-pw');
  await server.register('bob', 'b-pw');
  [phone, laptop, desk] = await Promise.all([startTestCore(), startTestCore(), startTestCore()]);
  phoneAcc = await addSyncedAccount(phone, server, 'alice', 'a-pw');
  laptopAcc = await addSyncedAccount(laptop, server, 'alice', 'a-pw');
  deskAcc = await addSyncedAccount(desk, server, 'bob', 'b-pw');
  // Contacts, as people who write to each other usually are.
  await phone.must('roster:add', { accountId: phoneAcc.id, jid: BOB() });
  await desk.waitForEvent('roster:requests', (e) => e.requests.some((r) => r.jid === ALICE()));
  await desk.must('roster:accept', { accountId: deskAcc.id, jid: ALICE() });
  await phone.waitForEvent('roster:changed', (e) => e.contacts.some((c) => c.jid === BOB() && c.subscription === 'both'));
  const [p, l, d] = await Promise.all(
    [phone, laptop, desk].map((t, i) => t.must('omemo:own', { accountId: [phoneAcc, laptopAcc, deskAcc][i]!.id })),
  );
  await untilOmemoDevice(phone, phoneAcc.id, BOB(), d!.deviceId);
  await untilOmemoDevice(phone, phoneAcc.id, ALICE(), l!.deviceId);
  await untilOmemoDevice(desk, deskAcc.id, ALICE(), p!.deviceId);
}, 150_000);
afterAll(async () => {
  for (const t of [phone, laptop, desk]) await t?.stop();
  await server?.stop();
});

describe('OMEMO between Vireo devices on ejabberd', () => {
  it('encrypts by default, and the contact’s device and the sender’s other device read it', async () => {
    const c = await conv(phone, phoneAcc, BOB());
    expect(c.encryption).toMatchObject({ mode: 'omemo', available: true });
    const [mDesk, mLaptop] = [desk.mark(), laptop.mark()];
    const sent = await phone.must('chat:send', { conversationId: c.id, body: 'first secret' });
    expect(sent.encrypted).toBe(true);
    const atDesk = await received(desk, 'first secret', mDesk);
    expect(atDesk).toMatchObject({ direction: 'in', encrypted: true });
    expect(atDesk.warning).toBeUndefined();
    expect(await received(laptop, 'first secret', mLaptop)).toMatchObject({ direction: 'out', encrypted: true });

    const reply = await desk.must('chat:send', { conversationId: (await conv(desk, deskAcc, ALICE())).id, body: 'secret reply' });
    expect(reply.encrypted).toBe(true);
    expect(await received(phone, 'secret reply')).toMatchObject({ direction: 'in', encrypted: true });
    expect(await received(laptop, 'secret reply')).toMatchObject({ direction: 'in', encrypted: true });
  });

  it('a device that was away reads what it missed from the archive, once each, and answers', async () => {
    const profileDir = desk.profileDir;
    await desk.stop({ keepProfile: true });
    const c = await conv(phone, phoneAcc, BOB());
    for (let i = 0; i < 5; i++) await phone.must('chat:send', { conversationId: c.id, body: `while away ${i}` });
    await expect
      .poll(
        async () => (await history(phone, phoneAcc, BOB())).filter((m) => m.body.startsWith('while away') && m.state !== 'pending').length,
      )
      .toBe(5);

    desk = await startTestCore({ profileDir });
    await desk.waitForEvent('sync:state', (s) => s.phase === 'synced', 20_000);
    await new Promise((r) => setTimeout(r, 1000)); // offline storage and the archive both hold them
    const got = (await history(desk, deskAcc, ALICE())).filter((m) => m.body.startsWith('while away'));
    expect(got.map((m) => m.body)).toEqual(['while away 0', 'while away 1', 'while away 2', 'while away 3', 'while away 4']);
    expect(got.every((m) => m.encrypted && !m.warning)).toBe(true);
    await desk.must('chat:send', { conversationId: (await conv(desk, deskAcc, ALICE())).id, body: 'back again' });
    expect(await received(phone, 'back again')).toMatchObject({ encrypted: true });
  });
});
