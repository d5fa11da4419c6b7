// Integration: OMEMO with many devices (issue #5: "3 per side") between six Vireo cores on a real
// Prosody, each core its own profile. Alice writes from one of her three devices, Bob answers from one
// of his three: every other device reads it (Bob's by delivery, Alice's by carbons), and on the wire
// each message carries exactly one key per other device — five. Also: the heartbeat (XEP-0384 v0.3
// §4.6, an empty OMEMO message after 53 received without an answer) counts across a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, untilOmemoDevice, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import { closeClient, createXmppClient, type XmppClient } from '../../xmpp/client.js';
import type { AccountView, MessageView } from '../../../shared/views.js';
import type { BareJid } from '../../../shared/ids.js';
import { NS_AXOLOTL, parseEncrypted, type LegacyEncrypted } from '../../omemo/legacy/wire.js';
import { HEARTBEAT_AFTER } from './omemo-messages.js';

interface Device {
  name: string;
  t: TestCore;
  acc: AccountView;
  id: number;
}

let server: ProsodyServer;
let alice: Device[] = [];
let bob: Device[] = [];
let wire: XmppClient; // bob, one more resource without OMEMO, with carbons: sees both directions
const wireSeen: Element[] = [];
const ALICE = () => `alice@${server.domain}`;
const BOB = () => `bob@${server.domain}`;

async function device(name: string, user: 'alice' | 'bob'): Promise<Device> {
  const t = await startTestCore();
  const acc = await addSyncedAccount(t, server, user, `${user}-pw`);
  return { name, t, acc, id: (await t.must('omemo:own', { accountId: acc.id })).deviceId };
}

const convOf = async (d: Device, peer: string) => (await d.t.must('chat:open', { accountId: d.acc.id, peer })).id;
const received = (d: Device, body: string, after: number) =>
  d.t.waitForEvent('message:added', (ms) => ms.some((m) => m.body === body), 20_000, after).then((ms) => ms.find((m) => m.body === body)!);

/** Every `<encrypted/>` seen on the wire from `index` on (direct, or inside a carbon), by sender device. */
function encryptedSince(index: number, sid: number): LegacyEncrypted[] {
  const found: LegacyEncrypted[] = [];
  const walk = (el: Element) => {
    if (el.is('encrypted', NS_AXOLOTL)) {
      const e = parseEncrypted(el);
      if (e?.sid === sid) found.push(e);
      return;
    }
    for (const c of el.getChildElements()) walk(c);
  };
  for (const el of wireSeen.slice(index)) walk(el);
  return found;
}

beforeAll(async () => {
  server = await startProsody();
  await server.register('alice', 'alice-pw');
  await server.register('bob', 'bob-pw');
  // One after the other: each publishes its device into the list the previous ones made.
  for (const [i, user] of [
    [1, 'alice'],
    [2, 'alice'],
    [3, 'alice'],
    [1, 'bob'],
    [2, 'bob'],
    [3, 'bob'],
  ] as const) {
    (user === 'alice' ? alice : bob).push(await device(`${user}${i}`, user));
  }
  wire = createXmppClient({
    jid: BOB(),
    password: 'bob-pw',
    resource: 'wire',
    service: `xmpp://127.0.0.1:${server.c2sPort}`,
    pinned: server.cert.fingerprint256,
  });
  wire.on('error', () => {});
  wire.on('stanza', (el: Element) => void wireSeen.push(el));
  await wire.start();
  await wire.iqCaller.request(xml('iq', { type: 'set' }, xml('enable', { xmlns: 'urn:xmpp:carbons:2' })), 10_000);
  // Each sender must know all five other devices (with their keys) before it writes.
  const [a1] = alice;
  const b2 = bob[1]!;
  for (const d of bob) await untilOmemoDevice(a1!.t, a1!.acc.id, BOB(), d.id);
  for (const d of alice.slice(1)) await untilOmemoDevice(a1!.t, a1!.acc.id, ALICE(), d.id);
  for (const d of alice) await untilOmemoDevice(b2.t, b2.acc.id, ALICE(), d.id);
  for (const d of [bob[0]!, bob[2]!]) await untilOmemoDevice(b2.t, b2.acc.id, BOB(), d.id);
}, 180_000);

afterAll(async () => {
  if (wire) await closeClient(wire);
  for (const d of [...alice, ...bob]) await d.t.stop();
  await server?.stop();
}, 60_000);

describe('OMEMO with three devices on each side', () => {
  it('a message from one of Alice’s devices is read on all of Bob’s and on her other two, and so is the reply; each carries exactly five keys', async () => {
    const [a1, a2, a3] = alice as [Device, Device, Device];
    const [b1, b2, b3] = bob as [Device, Device, Device];
    const marks = new Map([...alice, ...bob].map((d) => [d.name, d.t.mark()]));
    const wireMark = wireSeen.length;

    const sent = await a1.t.must('chat:send', { conversationId: await convOf(a1, BOB()), body: 'to all of bob' });
    expect(sent.encrypted).toBe(true);
    for (const d of bob) {
      const m = await received(d, 'to all of bob', marks.get(d.name)!);
      expect(m, d.name).toMatchObject({ direction: 'in', encrypted: true, senderTrust: 'trusted', senderDevice: a1.id });
      expect(m.warning, d.name).toBeUndefined();
    }
    for (const d of [a2, a3]) {
      expect(await received(d, 'to all of bob', marks.get(d.name)!), d.name).toMatchObject({ direction: 'out', encrypted: true });
    }

    const reply = await b2.t.must('chat:send', { conversationId: await convOf(b2, ALICE()), body: 'bob answers everyone' });
    expect(reply.encrypted).toBe(true);
    for (const d of alice) {
      const m: MessageView = await received(d, 'bob answers everyone', marks.get(d.name)!);
      expect(m, d.name).toMatchObject({ direction: 'in', encrypted: true, senderDevice: b2.id });
      expect(m.warning, d.name).toBeUndefined();
    }
    for (const d of [b1, b3]) {
      expect(await received(d, 'bob answers everyone', marks.get(d.name)!), d.name).toMatchObject({ direction: 'out', encrypted: true });
    }

    // On the wire (the server saw this, and so does a client without OMEMO): one <encrypted/> each,
    // with one key for every device but the sender's, and the text only as ciphertext.
    await expect.poll(() => encryptedSince(wireMark, b2.id).filter((e) => e.payload).length, { timeout: 10_000 }).toBe(1);
    const fromAlice = encryptedSince(wireMark, a1.id).filter((e) => e.payload);
    const fromBob = encryptedSince(wireMark, b2.id).filter((e) => e.payload);
    expect(fromAlice).toHaveLength(1);
    const rids = (e: LegacyEncrypted) => e.keys.map((k) => k.rid).sort((x, y) => x - y);
    const ids = (ds: Device[]) => ds.map((d) => d.id).sort((x, y) => x - y);
    expect(fromAlice[0]!.keys).toHaveLength(5);
    expect(rids(fromAlice[0]!)).toEqual(ids([b1, b2, b3, a2, a3]));
    expect(fromBob[0]!.keys).toHaveLength(5);
    expect(rids(fromBob[0]!)).toEqual(ids([a1, a2, a3, b1, b3]));
    const all = wireSeen
      .slice(wireMark)
      .map((el) => el.toString())
      .join('\n');
    expect(all).not.toContain('to all of bob');
    expect(all).not.toContain('bob answers everyone');
  }, 90_000);

  it(`after ${HEARTBEAT_AFTER} messages without an answer a device sends an empty OMEMO message, counting across a restart`, async () => {
    const a1 = alice[0]!;
    let b1 = bob[0]!;
    const conv = await convOf(a1, BOB());
    // b1 answers first: its count for Alice's devices starts at zero.
    let m = a1.t.mark();
    await b1.t.must('chat:send', { conversationId: await convOf(b1, ALICE()), body: 'b1 was here' });
    await received(a1, 'b1 was here', m);

    const send = async (from: number, to: number) => {
      for (let i = from; i < to; i++) await a1.t.must('chat:send', { conversationId: conv, body: `beat ${i}` });
    };
    m = b1.t.mark();
    await send(0, 30);
    await received(b1, 'beat 29', m);

    // Restarted on its profile: the 30 already counted are not forgotten.
    const profileDir = b1.t.profileDir;
    await b1.t.stop({ keepProfile: true });
    b1 = { ...b1, t: await startTestCore({ profileDir }) };
    bob[0] = b1;
    await b1.t.waitForEvent('sync:state', (s) => s.phase === 'synced', 20_000);

    const heartbeats = (since: number) => encryptedSince(since, b1.id).filter((e) => !e.payload && e.keys.some((k) => k.rid === a1.id));
    const wireMark = wireSeen.length;
    m = b1.t.mark();
    await send(30, HEARTBEAT_AFTER - 1);
    await received(b1, `beat ${HEARTBEAT_AFTER - 2}`, m);
    await new Promise((r) => setTimeout(r, 1500));
    expect(heartbeats(wireMark)).toEqual([]);

    await send(HEARTBEAT_AFTER - 1, HEARTBEAT_AFTER);
    await expect.poll(() => heartbeats(wireMark).length, { timeout: 10_000 }).toBe(1);
    // Alice's device took it silently: no empty message shows up.
    const history = await a1.t.must('chat:history', { conversationId: conv, limit: 200 });
    expect(history.messages.filter((x) => x.direction === 'in' && x.body === '')).toEqual([]);
  }, 120_000);

  it('Alice removes a device she no longer has: nobody encrypts for it; it puts itself back when it connects again', async () => {
    const [a1, a2, a3] = alice as [Device, Device, Device];
    const [b1, b2, b3] = bob as [Device, Device, Device];
    // The laptop is off (were it online, it would see the list and put itself back at once).
    await a3.t.must('accounts:disconnect', { accountId: a3.acc.id });
    // Not the device she is using.
    expect(await a1.t.call('omemo:remove-device', { accountId: a1.acc.id, deviceId: a1.id })).toMatchObject({
      ok: false,
      error: { code: 'invalid-input' },
    });

    const mine = await a1.t.must('omemo:remove-device', { accountId: a1.acc.id, deviceId: a3.id });
    // Still shown (it sent messages), as removed.
    expect(mine.find((d) => d.deviceId === a3.id)).toMatchObject({ active: false });
    expect(
      mine
        .filter((d) => d.active)
        .map((d) => d.deviceId)
        .sort(),
    ).toEqual([a1.id, a2.id].sort());
    // Bob learns it from the server (PEP), and his next message has no key for it.
    await expect
      .poll(
        async () =>
          (await b2.t.must('omemo:devices', { accountId: b2.acc.id, jid: ALICE() as BareJid })).find((d) => d.deviceId === a3.id)?.active,
        { timeout: 15_000 },
      )
      .toBe(false);
    const wireMark = wireSeen.length;
    await b2.t.must('chat:send', { conversationId: await convOf(b2, ALICE()), body: 'not for the lost laptop' });
    await expect.poll(() => encryptedSince(wireMark, b2.id).filter((e) => e.payload).length, { timeout: 10_000 }).toBe(1);
    const keys = encryptedSince(wireMark, b2.id)
      .find((e) => e.payload)!
      .keys.map((k) => k.rid)
      .sort((x, y) => x - y);
    expect(keys).toEqual([a1.id, a2.id, b1.id, b3.id].sort((x, y) => x - y));

    // The laptop was not lost after all: connected again, it is back in the list and gets messages.
    await a3.t.must('accounts:connect', { accountId: a3.acc.id });
    await expect
      .poll(
        async () =>
          (await b2.t.must('omemo:devices', { accountId: b2.acc.id, jid: ALICE() as BareJid })).find((d) => d.deviceId === a3.id)?.active,
        { timeout: 20_000 },
      )
      .toBe(true);
    const mark = a3.t.mark();
    await b2.t.must('chat:send', { conversationId: await convOf(b2, ALICE()), body: 'welcome back' });
    expect(await received(a3, 'welcome back', mark)).toMatchObject({ direction: 'in', encrypted: true, senderDevice: b2.id });
  }, 90_000);
});
