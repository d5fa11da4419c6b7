// Integration: OMEMO between Vireo cores on a real Prosody (PEP, carbons, MAM). Alice has two devices
// (phone, laptop), bob has two (desk, and a tablet added later); a raw XMPP client stands in for what
// travels on the wire and for a stranger who injects stanzas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, untilOmemoDevice, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import { closeClient, createXmppClient, type XmppClient } from '../../xmpp/client.js';
import type { AccountView, ConversationView, MessageView } from '../../../shared/views.js';
import { buildDeviceListPublish, FALLBACK_BODY, NS_AXOLOTL } from '../../omemo/legacy/wire.js';

let server: ProsodyServer;
let phone: TestCore;
let laptop: TestCore;
let desk: TestCore;
let phoneAcc: AccountView;
let laptopAcc: AccountView;
let deskAcc: AccountView;
let wire: XmppClient; // bob, one more resource without OMEMO: sees carbons as they travel
const wireSeen: Element[] = [];
const ALICE = () => `alice@${server.domain}`;
const BOB = () => `bob@${server.domain}`;

async function conv(t: TestCore, acc: AccountView, peer: string): Promise<ConversationView> {
  return t.must('chat:open', { accountId: acc.id, peer });
}
async function history(t: TestCore, acc: AccountView, peer: string): Promise<MessageView[]> {
  const c = await conv(t, acc, peer);
  return (await t.must('chat:history', { conversationId: c.id, limit: 500 })).messages;
}
const seesDevice = (t: TestCore, acc: AccountView, jid: string, deviceId: number) => untilOmemoDevice(t, acc.id, jid, deviceId);
const received = (t: TestCore, body: string, after?: number) =>
  t.waitForEvent('message:added', (ms) => ms.some((m) => m.body === body), 15_000, after).then((ms) => ms.find((m) => m.body === body)!);

beforeAll(async () => {
  server = await startProsody();
  for (const [u, p] of [
    ['alice', 'a-pw'],
    ['bob', 'b-pw'],
    ['mallory', 'm-pw'],
  ] as const)
    await server.register(u, p);
  [phone, laptop, desk] = await Promise.all([startTestCore(), startTestCore(), startTestCore()]);
  phoneAcc = await addSyncedAccount(phone, server, 'alice', 'a-pw');
  laptopAcc = await addSyncedAccount(laptop, server, 'alice', 'a-pw');
  deskAcc = await addSyncedAccount(desk, server, 'bob', 'b-pw');
  wire = createXmppClient({
    jid: BOB(),
    password: 'b-pw',
    resource: 'wire',
    service: `xmpp://127.0.0.1:${server.c2sPort}`,
    pinned: server.cert.fingerprint256,
  });
  wire.on('error', () => {});
  wire.on('stanza', (el: Element) => void wireSeen.push(el));
  await wire.start();
  await wire.send(xml('iq', { type: 'set', id: 'carbons' }, xml('enable', { xmlns: 'urn:xmpp:carbons:2' })));
  const [p, l, d] = await Promise.all(
    [phone, laptop, desk].map((t, i) => t.must('omemo:own', { accountId: [phoneAcc, laptopAcc, deskAcc][i]!.id })),
  );
  await seesDevice(phone, phoneAcc, BOB(), d!.deviceId);
  await seesDevice(phone, phoneAcc, ALICE(), l!.deviceId);
  await seesDevice(desk, deskAcc, ALICE(), p!.deviceId);
}, 90_000);
afterAll(async () => {
  if (wire) await closeClient(wire);
  for (const t of [phone, laptop, desk]) await t?.stop();
  await server?.stop();
});

describe('OMEMO between Vireo devices', () => {
  it('encrypts by default, decrypts on the contact’s device and on the sender’s other device, and never shows the text on the wire', async () => {
    const c = await conv(phone, phoneAcc, BOB());
    expect(c.encryption).toMatchObject({ mode: 'omemo', available: true });
    const mDesk = desk.mark();
    const mLaptop = laptop.mark();
    const sent = await phone.must('chat:send', { conversationId: c.id, body: 'first secret' });
    expect(sent.encrypted).toBe(true);
    const atDesk = await received(desk, 'first secret', mDesk);
    expect(atDesk).toMatchObject({ direction: 'in', encrypted: true, senderTrust: 'trusted' });
    expect(atDesk.warning).toBeUndefined();
    const atLaptop = await received(laptop, 'first secret', mLaptop); // the carbon, decrypted with the laptop's own key
    expect(atLaptop).toMatchObject({ direction: 'out', encrypted: true });

    const reply = await desk.must('chat:send', { conversationId: (await conv(desk, deskAcc, ALICE())).id, body: 'secret reply' });
    expect(reply.encrypted).toBe(true);
    expect(await received(phone, 'secret reply')).toMatchObject({ direction: 'in', encrypted: true });
    await received(laptop, 'secret reply');

    // What a client without OMEMO (and the servers) saw: the fallback body and <encrypted/>, never the text.
    await expect
      .poll(() => wireSeen.filter((el) => el.toString().includes(NS_AXOLOTL)).length, { timeout: 10_000 })
      .toBeGreaterThanOrEqual(2);
    const all = wireSeen.map((el) => el.toString()).join('\n');
    expect(all).not.toContain('first secret');
    expect(all).not.toContain('secret reply');
    expect(all).toContain(FALLBACK_BODY.slice(0, 40));
  });

  it('a device that was offline reads what it missed from the archive, and a restarted device keeps its sessions', async () => {
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
    const got = (await history(desk, deskAcc, ALICE())).filter((m) => m.body.startsWith('while away'));
    expect(got.map((m) => m.body)).toEqual(['while away 0', 'while away 1', 'while away 2', 'while away 3', 'while away 4']);
    expect(got.every((m) => m.encrypted && !m.warning)).toBe(true);
    // Same device after the restart: a new message still decrypts both ways.
    await desk.must('chat:send', { conversationId: (await conv(desk, deskAcc, ALICE())).id, body: 'back again' });
    expect(await received(phone, 'back again')).toMatchObject({ encrypted: true });
  }, 60_000);

  it('after verifying a contact, a new device of theirs is not used until the user decides', async () => {
    const own = await desk.must('omemo:own', { accountId: deskAcc.id });
    const verified = await phone.must('omemo:verify-uri', { accountId: phoneAcc.id, uri: own.uri });
    expect(verified).toEqual([expect.objectContaining({ deviceId: own.deviceId, trust: 'verified' })]);
    const wrong = await phone.call('omemo:verify-uri', {
      accountId: phoneAcc.id,
      uri: own.uri.replace(/=[0-9a-f]/, (m) => (m === '=0' ? '=1' : '=0')),
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'omemo-fingerprint-mismatch' } });

    const tablet = await startTestCore();
    try {
      const tabletAcc = await addSyncedAccount(tablet, server, 'bob', 'b-pw');
      const t = await tablet.must('omemo:own', { accountId: tabletAcc.id });
      await seesDevice(phone, phoneAcc, BOB(), t.deviceId);
      const devices = await phone.must('omemo:devices', { accountId: phoneAcc.id, jid: BOB() });
      expect(devices.find((d) => d.deviceId === t.deviceId)).toMatchObject({ trust: 'undecided', fingerprint: t.fingerprint });
      const c = await conv(phone, phoneAcc, BOB());
      expect(c.encryption?.warning).toMatchObject({ kind: 'unverified-device' });

      const mTablet = tablet.mark();
      const mDesk = desk.mark();
      await phone.must('chat:send', { conversationId: c.id, body: 'only for verified' });
      await received(desk, 'only for verified', mDesk);
      const atTablet = await tablet.waitForEvent(
        'message:added',
        (ms) => ms.some((m) => m.direction === 'in' && !!m.warning),
        15_000,
        mTablet,
      );
      expect(atTablet[0]!.body).toBe('');
      expect(atTablet[0]!.warning).toEqual({ kind: 'undecryptable', reason: 'not-for-this-device' });

      // The user trusts it: from now on it reads along.
      await phone.must('omemo:set-trust', { accountId: phoneAcc.id, jid: BOB(), deviceId: t.deviceId, trust: 'trusted' });
      const m2 = tablet.mark();
      await phone.must('chat:send', { conversationId: c.id, body: 'now for the tablet too' });
      expect(await received(tablet, 'now for the tablet too', m2)).toMatchObject({ encrypted: true });
    } finally {
      await tablet.stop();
    }

    // The tablet leaves bob's published device list (another client of bob's removed it): alice stops
    // encrypting for it, and still encrypts for the desk. Checked on the wire, by the keys' recipients.
    const tabletId = (await phone.must('omemo:devices', { accountId: phoneAcc.id, jid: BOB() })).find(
      (d) => d.trust === 'trusted' && !d.own,
    )!.deviceId;
    const deskId = own.deviceId;
    await wire.iqCaller.request(xml('iq', { type: 'set' }, buildDeviceListPublish([deskId])), 10_000);
    await expect
      .poll(
        async () =>
          (await phone.must('omemo:devices', { accountId: phoneAcc.id, jid: BOB() })).find((d) => d.deviceId === tabletId)?.active,
        { timeout: 10_000 },
      )
      .toBe(false);
    const before = wireSeen.length;
    await phone.must('chat:send', { conversationId: (await conv(phone, phoneAcc, BOB())).id, body: 'after the removal' });
    await received(desk, 'after the removal');
    await expect.poll(() => wireSeen.slice(before).some((el) => el.toString().includes(NS_AXOLOTL)), { timeout: 10_000 }).toBe(true);
    const rids = [
      ...wireSeen
        .slice(before)
        .map((el) => el.toString())
        .join('')
        .matchAll(/rid=["'](\d+)["']/g),
    ].map((x) => Number(x[1]));
    expect(rids).toContain(deskId);
    expect(rids).not.toContain(tabletId);
  }, 90_000);

  it('refuses to send when every device of the contact is distrusted, and sends in plain text only when the user says so', async () => {
    const c = await conv(laptop, laptopAcc, BOB());
    const bobDevices = (await laptop.must('omemo:devices', { accountId: laptopAcc.id, jid: BOB() })).filter((d) => d.active);
    for (const d of bobDevices)
      await laptop.must('omemo:set-trust', { accountId: laptopAcc.id, jid: BOB(), deviceId: d.deviceId, trust: 'distrusted' });
    const m = laptop.mark();
    const sent = await laptop.must('chat:send', { conversationId: c.id, body: 'must not leak' });
    const failed = await laptop.waitForEvent('message:updated', (u) => u.id === sent.id && u.state === 'failed', 15_000, m);
    expect(failed.error).toEqual({ kind: 'none-trusted', peer: BOB() });
    expect(wireSeen.map((el) => el.toString()).join('\n')).not.toContain('must not leak');

    const plain = await laptop.must('chat:set-encryption', { conversationId: c.id, mode: 'plain' });
    expect(plain.encryption?.mode).toBe('plain');
    const mDesk = desk.mark();
    await laptop.must('chat:send', { conversationId: c.id, body: 'plain on purpose' });
    const atDesk = await received(desk, 'plain on purpose', mDesk);
    expect(atDesk.encrypted).toBeUndefined();
    // Bob keeps the chat encrypted: the plain-text message is flagged there.
    expect(atDesk.warning).toEqual({ kind: 'plaintext-in-encrypted-chat', sender: 'contact' });
    for (const d of bobDevices)
      await laptop.must('omemo:set-trust', { accountId: laptopAcc.id, jid: BOB(), deviceId: d.deviceId, trust: 'trusted' });
    await laptop.must('chat:set-encryption', { conversationId: c.id, mode: 'omemo' });
  }, 60_000);

  it('a plain-text message written on one of the user’s own devices without OMEMO is flagged on the others', async () => {
    const m = desk.mark();
    await wire.send(xml('message', { type: 'chat', to: ALICE(), id: 'wire-plain-1' }, xml('body', {}, 'typed on a device without OMEMO')));
    const copy = await received(desk, 'typed on a device without OMEMO', m);
    expect(copy).toMatchObject({ direction: 'out' });
    expect(copy.warning).toEqual({ kind: 'plaintext-in-encrypted-chat', sender: 'own-other-device' });
    const atPhone = await received(phone, 'typed on a device without OMEMO');
    expect(atPhone.warning).toEqual({ kind: 'plaintext-in-encrypted-chat', sender: 'contact' });
  });

  it('a stranger’s unencrypted or unreadable message in an encrypted chat is shown with a warning, never dropped', async () => {
    const mallory = createXmppClient({
      jid: `mallory@${server.domain}`,
      password: 'm-pw',
      resource: 'x',
      service: `xmpp://127.0.0.1:${server.c2sPort}`,
      pinned: server.cert.fingerprint256,
    });
    mallory.on('error', () => {});
    await mallory.start();
    try {
      const malloryJid = `mallory@${server.domain}`;
      // Mallory publishes a device list so that alice's chat with her is encrypted by default.
      await mallory.iqCaller.request(
        xml(
          'iq',
          { type: 'set' },
          xml(
            'pubsub',
            { xmlns: 'http://jabber.org/protocol/pubsub' },
            xml(
              'publish',
              { node: `${NS_AXOLOTL}.devicelist` },
              xml('item', { id: 'current' }, xml('list', { xmlns: NS_AXOLOTL }, xml('device', { id: '4242' }))),
            ),
            xml(
              'publish-options',
              {},
              xml(
                'x',
                { xmlns: 'jabber:x:data', type: 'submit' },
                xml('field', { var: 'FORM_TYPE', type: 'hidden' }, xml('value', {}, 'http://jabber.org/protocol/pubsub#publish-options')),
                xml('field', { var: 'pubsub#access_model' }, xml('value', {}, 'open')),
              ),
            ),
          ),
        ),
        10_000,
      );
      const c = await conv(phone, phoneAcc, malloryJid);
      await expect
        .poll(async () => (await conv(phone, phoneAcc, malloryJid)).encryption, { timeout: 10_000 })
        .toMatchObject({ mode: 'omemo', available: true });
      expect(c.kind).toBe('chat');
      const m = phone.mark();
      await mallory.send(xml('message', { type: 'chat', to: ALICE(), id: 'plain-1' }, xml('body', {}, 'psst, plain text')));
      const plain = await received(phone, 'psst, plain text', m);
      expect(plain.warning).toEqual({ kind: 'plaintext-in-encrypted-chat', sender: 'contact' });
      // Encrypted, but not for any of alice's devices.
      const m2 = phone.mark();
      await mallory.send(
        xml(
          'message',
          { type: 'chat', to: ALICE(), id: 'enc-1' },
          xml(
            'encrypted',
            { xmlns: NS_AXOLOTL },
            xml('header', { sid: '4242' }, xml('key', { rid: '1' }, 'AAAA'), xml('iv', {}, 'AAAAAAAAAAAAAAAA')),
            xml('payload', {}, 'AAAA'),
          ),
          xml('body', {}, FALLBACK_BODY),
        ),
      );
      const unreadable = await phone.waitForEvent(
        'message:added',
        (ms) => ms.some((x) => x.peer === malloryJid && !!x.warning && x.body === ''),
        15_000,
        m2,
      );
      expect(unreadable[0]!.warning).toEqual({ kind: 'undecryptable', reason: 'not-for-this-device' });
    } finally {
      await closeClient(mallory);
    }
  }, 60_000);
});
