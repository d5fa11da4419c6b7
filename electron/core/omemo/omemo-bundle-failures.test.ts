// Contacts' OMEMO bundles that Vireo cannot use (issue #11 §1): each failure is remembered per
// device and waited out (1 min, doubling up to 1 h) instead of fetched again on every look; it is
// asked for again at once when the device publishes a new bundle or its owner a new device list; and
// a message that cannot be encrypted says what is true (no keys published, the server refused them,
// Vireo could not read them), never blaming the contact for Vireo's trouble. On a real Prosody, with
// contacts whose keys are published by a plain XMPP client exactly as the test needs them.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { KeyHelper } from '@privacyresearch/libsignal-protocol-typescript';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import { closeClient, createXmppClient, type XmppClient } from '../../xmpp/client.js';
import { buildPublish, NS_PUBSUB_EVENT } from '../../omemo/pep.js';
import { buildBundlePublish, buildDeviceListPublish, bundleNode, NS_AXOLOTL, type LegacyBundle } from '../../omemo/legacy/wire.js';
import type { AccountView, MessageView } from '../../../shared/views.js';
import type { SendFailure } from '../../../shared/notices.js';
import { createBundleFailures, FIRST_RETRY_MS, LONGEST_RETRY_MS, type BundleFailure } from './omemo-bundle-failures.js';
import { noSessionFailure } from './omemo-messages.js';

describe('when a failed bundle is asked for again', () => {
  it('after 1 min, then 2, 4 … doubling up to 1 h; at once after clear', () => {
    let now = 1_000_000;
    const f = createBundleFailures(() => now);
    const waits: number[] = [];
    for (let i = 0; i < 9; i++) waits.push(f.failed('a', 'c@x', 7, 'unreadable').retryAt - now);
    expect(FIRST_RETRY_MS).toBeGreaterThanOrEqual(60_000);
    expect(waits).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60].map((m) => m * 60_000));
    expect(LONGEST_RETRY_MS).toBe(3_600_000);
    expect(f.waiting('a', 'c@x', 7)).toBe(true);
    now += 60 * 60_000 - 1;
    expect(f.waiting('a', 'c@x', 7)).toBe(true);
    now += 1;
    expect(f.waiting('a', 'c@x', 7)).toBe(false);
    expect(f.get('a', 'c@x', 7)?.reason).toBe('unreadable'); // still known for the sentence, though due
    f.failed('a', 'c@x', 7, 'missing');
    f.failed('a', 'c@x', 8, 'missing');
    f.failed('a', 'c|x', 7, 'missing'); // any character in a JID: no key collisions
    f.clear('a', 'c@x', 7);
    expect(f.waiting('a', 'c@x', 7)).toBe(false);
    expect(f.waiting('a', 'c@x', 8)).toBe(true);
    f.clearJid('a', 'c@x');
    expect(f.waiting('a', 'c@x', 8)).toBe(false);
    expect(f.waiting('a', 'c|x', 7)).toBe(true);
    f.clearAccount('a');
    expect(f.get('a', 'c|x', 7)).toBeUndefined();
  });
});

// The window words these (renderer/src/lib/notice-text.ts sendFailureText, tested there).
describe('why no device of a contact could get a session', () => {
  const f = (reason: BundleFailure['reason'], detail?: string): BundleFailure => ({
    reason,
    ...(detail ? { detail } : {}),
    count: 1,
    retryAt: 0,
  });
  it('puts Vireo’s own trouble first (the contact is then asked for nothing)', () => {
    expect(noSessionFailure('c@x', [f('missing'), undefined, f('unreadable')])).toEqual({
      kind: 'no-session',
      peer: 'c@x',
      cause: 'unreadable',
    });
    expect(noSessionFailure('c@x', [f('refused', 'forbidden'), f('rejected', 'device 5: Invalid signature')])).toEqual({
      kind: 'no-session',
      peer: 'c@x',
      cause: 'rejected',
      detail: 'device 5: Invalid signature',
    });
  });
  it('says the server refused, or that no keys are published, only when that is what happened', () => {
    expect(noSessionFailure('c@x', [f('missing'), f('refused', 'not-authorized')])).toEqual({
      kind: 'no-session',
      peer: 'c@x',
      cause: 'refused',
      detail: 'not-authorized',
    });
    expect(noSessionFailure('c@x', [f('missing')])).toEqual({ kind: 'no-session', peer: 'c@x', cause: 'missing' });
    expect(noSessionFailure('c@x', [undefined])).toEqual({ kind: 'no-session', peer: 'c@x' });
  });
});

let server: ProsodyServer;
let t: TestCore;
let acc: AccountView;
const peers: XmppClient[] = [];
const jid = (user: string) => `${user}@${server.domain}`;

async function signIn(user: string): Promise<XmppClient> {
  const c = createXmppClient({
    jid: jid(user),
    password: `${user}-pw`,
    resource: 'keys',
    service: `xmpp://127.0.0.1:${server.c2sPort}`,
    pinned: server.cert.fingerprint256,
  });
  c.on('error', () => {});
  await c.start();
  peers.push(c);
  return c;
}
const publish = (c: XmppClient, pubsub: Element) => c.iqCaller.request(xml('iq', { type: 'set' }, pubsub), 10_000);
const b64 = (u: Uint8Array) => Buffer.from(u).toString('base64');

/** A real bundle made with libsignal's key helper, its signed prekey and prekey numbered from 0 as real clients do. */
async function realBundle(): Promise<LegacyBundle> {
  const identity = await KeyHelper.generateIdentityKeyPair();
  const spk = await KeyHelper.generateSignedPreKey(identity, 0);
  const pk = await KeyHelper.generatePreKey(0);
  const u = (b: ArrayBuffer) => new Uint8Array(b);
  return {
    identityKey: u(identity.pubKey),
    signedPreKey: { id: 0, publicKey: u(spk.keyPair.pubKey) },
    signedPreKeySignature: u(spk.signature),
    preKeys: [{ id: 0, publicKey: u(pk.keyPair.pubKey) }],
  };
}

/** A bundle Vireo cannot read: its identity key is 16 bytes (it must be a 32-byte Curve25519 key). */
async function unreadableBundle(): Promise<Element> {
  const good = await realBundle();
  return xml(
    'bundle',
    { xmlns: NS_AXOLOTL },
    xml('signedPreKeyPublic', { signedPreKeyId: '0' }, b64(good.signedPreKey.publicKey)),
    xml('signedPreKeySignature', {}, b64(good.signedPreKeySignature)),
    xml('identityKey', {}, b64(good.identityKey.slice(0, 16))),
    xml('prekeys', {}, xml('preKeyPublic', { preKeyId: '0' }, b64(good.preKeys[0]!.publicKey))),
  );
}

/** Vireo's bundle fetches for a device, counted on its own connection. */
function countBundleFetches(deviceId: number): () => number {
  let n = 0;
  t.core.connections.client(acc.id)!.on('send', (el: Element) => {
    if (el.is('iq') && el.attrs.type === 'get' && el.getChild('pubsub')?.getChild('items')?.attrs.node === bundleNode(deviceId)) n++;
  });
  return () => n;
}

/** Sends `body` in an encrypted chat with `peer`; resolves with why the message failed. */
async function failedSend(peer: string, body: string): Promise<SendFailure | undefined> {
  const conv = await t.must('chat:open', { accountId: acc.id, peer: jid(peer) });
  expect(conv.encryption?.mode, 'precondition: the chat is encrypted (the contact lists a device)').toBe('omemo');
  const mark = t.mark();
  const sent = await t.must('chat:send', { conversationId: conv.id, body });
  const failed = await t.waitForEvent('message:updated', (m: MessageView) => m.id === sent.id && m.state === 'failed', 20_000, mark);
  return failed.error;
}

beforeAll(async () => {
  server = await startProsody();
  for (const u of ['vireo', 'carol', 'dave', 'erin']) await server.register(u, `${u}-pw`);
  // carol: a device whose bundle Vireo cannot read; dave: a device without a bundle; erin: a
  // device whose bundle her server keeps from non-contacts. Their device lists are open to all.
  const carol = await signIn('carol');
  await publish(carol, buildPublish(bundleNode(4242), await unreadableBundle(), { itemId: 'current', accessModel: 'open' }));
  await publish(carol, buildDeviceListPublish([4242]));
  const dave = await signIn('dave');
  await publish(dave, buildDeviceListPublish([5151]));
  const erin = await signIn('erin');
  await publish(erin, buildBundlePublish(6161, await realBundle(), 'whitelist'));
  await publish(erin, buildDeviceListPublish([6161]));
  t = await startTestCore();
  acc = await addSyncedAccount(t, server, 'vireo', 'vireo-pw');
  await t.must('omemo:own', { accountId: acc.id });
  // Dave lets Vireo see his presence: then his server says which of his nodes do not exist (to
  // others Prosody answers "forbidden" for those too).
  dave.on('stanza', (el: Element) => {
    if (el.is('presence') && el.attrs.type === 'subscribe')
      void dave.send(xml('presence', { to: el.attrs.from.split('/')[0], type: 'subscribed' }));
  });
  await dave.send(xml('presence')); // available: the request reaches this client
  const mark = t.mark();
  await t.must('roster:add', { accountId: acc.id, jid: jid('dave') });
  await t.waitForEvent(
    'roster:changed',
    (r) => r.contacts.some((c) => c.jid === jid('dave') && (c.subscription === 'to' || c.subscription === 'both')),
    15_000,
    mark,
  );
}, 120_000);

afterAll(async () => {
  for (const c of peers) await closeClient(c);
  await t?.stop();
  await server?.stop();
}, 60_000);

describe('a contact device whose bundle cannot be used', () => {
  it('100 looks at the devices fetch the bundle once and log one warning; the device is still listed', async () => {
    const fetches = countBundleFetches(4242);
    const warn = vi.spyOn(console, 'error');
    try {
      for (let i = 0; i < 100; i++) {
        const devices = await t.must('omemo:devices', { accountId: acc.id, jid: jid('carol') });
        expect(devices.map((d) => ({ id: d.deviceId, active: d.active, fp: d.fingerprint }))).toEqual([
          { id: 4242, active: true, fp: undefined },
        ]);
      }
      expect(fetches()).toBe(1);
      expect(warn.mock.calls.filter((c) => String(c[0]).includes('OMEMO bundle of a device not usable'))).toHaveLength(1);
    } finally {
      warn.mockRestore();
    }
  }, 60_000);

  it('sending says that Vireo could not read the keys, without asking the contact to do anything', async () => {
    const error = await failedSend('carol', 'hello carol');
    expect(error).toEqual({ kind: 'no-session', peer: jid('carol'), cause: 'unreadable' });
  }, 30_000);

  it('a device without a bundle: the contact’s app has not published its keys', async () => {
    const error = await failedSend('dave', 'hello dave');
    expect(error).toEqual({ kind: 'no-session', peer: jid('dave'), cause: 'missing' });
  }, 30_000);

  it('a bundle the contact’s server keeps from us: says the server refused, and why', async () => {
    const error = await failedSend('erin', 'hello erin');
    expect(error).toMatchObject({ kind: 'no-session', peer: jid('erin'), cause: 'refused', detail: expect.stringMatching(/^[a-z-]+$/) });
  }, 30_000);

  it('a new bundle is fetched at once when the device announces it, and its ids from 0 give a session', async () => {
    const carol = peers[0]!;
    const fetches = countBundleFetches(4242);
    const bundle = await realBundle();
    await publish(carol, buildBundlePublish(4242, bundle));
    await t.must('omemo:devices', { accountId: acc.id, jid: jid('carol') });
    expect(fetches(), 'not asked for while its wait lasts and nothing said it changed').toBe(0);
    // What the server pushes to a subscriber of the node (XEP-0163 §4.3; XEP-0060 §7.1.2.1).
    await carol.send(
      xml(
        'message',
        { to: jid('vireo'), type: 'headline' },
        xml(
          'event',
          { xmlns: NS_PUBSUB_EVENT },
          xml('items', { node: bundleNode(4242) }, buildBundlePublish(4242, bundle).getChild('publish')!.getChild('item')!),
        ),
      ),
    );
    await expect
      .poll(
        async () => {
          const devices = await t.must('omemo:devices', { accountId: acc.id, jid: jid('carol') });
          return devices.find((d) => d.deviceId === 4242)?.fingerprint;
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe(Buffer.from(bundle.identityKey.slice(1)).toString('hex'));
    expect(fetches()).toBe(1);
  }, 30_000);

  it('a new device list makes every failed device of that contact be asked again at once', async () => {
    const dave = peers[1]!;
    const fetches = countBundleFetches(5151);
    await t.must('omemo:devices', { accountId: acc.id, jid: jid('dave') });
    expect(fetches(), 'still waiting after the failure of the test before').toBe(0);
    await publish(dave, buildBundlePublish(5151, await realBundle()));
    await publish(dave, buildDeviceListPublish([5151, 5152]));
    await expect
      .poll(
        async () => {
          await t.must('omemo:devices', { accountId: acc.id, jid: jid('dave') });
          return fetches();
        },
        { timeout: 10_000, interval: 200 },
      )
      .toBe(1);
    const devices = await t.must('omemo:devices', { accountId: acc.id, jid: jid('dave') });
    expect(devices.find((d) => d.deviceId === 5151)?.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  }, 30_000);
});
