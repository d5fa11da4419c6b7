// OMEMO interoperability: Vireo's core (no Electron) against an independent peer — python-omemo +
// python-oldmemo over slixmpp (e2e/peers/omemo-python), code Vireo's team did not write — through a
// real Prosody. Every test has its own Prosody, its own Vireo profile and its own peer stores.
// Written to what a user notices: the text arrives decrypted, marked encrypted, and anything wrong is
// said in words on the message.
//   npm run test:interop            (only these; last line: interop passed=N failed=M)
//   KEEP_OMEMO_PEER=1 KEEP_PROSODY=1 to keep the peers' XML logs and the server's data for reading.
import { afterEach, describe, expect, it } from 'vitest';
import { readFile } from 'node:fs/promises';
import { startProsody, type ProsodyServer } from '../fixtures/prosody.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../fixtures/core-harness.js';
import {
  checkPeerInstalled,
  makePeerWorkDir,
  presubscribe,
  startEchoBot,
  startSender,
  type BundleEvent,
  type EchoBotOptions,
  type PeerProcess,
  type PrekeyAttrDroppedEvent,
  type ReceivedEvent,
  type SenderOptions,
  type SentEvent,
} from '../fixtures/omemo-peer.js';
import type { AccountView, ConversationView, DeviceTrust, MessageView, OmemoDeviceView, OmemoOwnView } from '../../shared/views.js';
import type { BareJid } from '../../shared/ids.js';

const VIREO_USER = 'vireo-user';
const VIREO_PW = 'vireo-user-pw';
const pw = (user: string) => `${user}-pw`;
const TEST_TIMEOUT = 150_000;
const TRUST: DeviceTrust[] = ['undecided', 'trusted', 'verified', 'distrusted'];

interface World {
  server: ProsodyServer;
  dir: string;
  vireoJid: string;
  jid(user: string): string;
  t?: TestCore;
  account?: AccountView;
  own?: OmemoOwnView;
  peers: PeerProcess[];
}

const worlds: World[] = [];
afterEach(async () => {
  const ws = worlds.splice(0);
  for (const w of ws) {
    await Promise.all(w.peers.map((p) => p.stop()));
    await w.t?.stop();
    await w.server.stop();
  }
});

/**
 * A Prosody with Vireo's account and the peers' accounts. `contacts`: peers made mutual contacts of
 * Vireo's account (subscription both) before Vireo signs in, as two clients that met earlier would be.
 */
async function setUp(o: { peers: string[]; contacts?: string[]; signIn?: boolean }): Promise<World> {
  await checkPeerInstalled(); // fails loudly with the apt-get command: never a silent skip
  const server = await startProsody();
  const w: World = {
    server,
    dir: await makePeerWorkDir('vireo-omemo-interop-'),
    vireoJid: `${VIREO_USER}@${server.domain}`,
    jid: (u) => `${u}@${server.domain}`,
    peers: [],
  };
  worlds.push(w);
  await server.register(VIREO_USER, VIREO_PW);
  for (const u of o.peers) await server.register(u, pw(u));
  for (const u of o.contacts ?? []) await presubscribe(server, { user: VIREO_USER, password: VIREO_PW }, { user: u, password: pw(u) });
  if (o.signIn !== false) await signIn(w);
  return w;
}

/** Starts Vireo, adds the account and waits until its OMEMO device is published. */
async function signIn(w: World): Promise<void> {
  w.t = await startTestCore();
  w.account = await addSyncedAccount(w.t, w.server, VIREO_USER, VIREO_PW);
  w.own = await vireoOmemoReady(w);
}

async function poll<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `; last error: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Vireo's own device exists and is listed as active among the account's devices. */
async function vireoOmemoReady(w: World): Promise<OmemoOwnView> {
  const t = w.t!;
  const accountId = w.account!.id;
  let lastOwn: unknown;
  const own = await poll("Vireo's own OMEMO device (omemo:own)", async () => {
    const r = await t.call('omemo:own', { accountId });
    lastOwn = r;
    return r.ok ? r.value : undefined;
  }).catch((e: Error) => {
    throw new Error(`${e.message}; last answer: ${JSON.stringify(lastOwn)}`);
  });
  expect(own.deviceId).toBeGreaterThan(0);
  expect(own.fingerprint).toMatch(/^[0-9a-f]{64}$/);
  await poll("Vireo's own device listed as active (omemo:devices for its own JID)", async () => {
    const r = await t.call('omemo:devices', { accountId, jid: w.vireoJid as BareJid });
    return r.ok && r.value.some((d) => d.deviceId === own.deviceId && d.own && d.active) ? true : undefined;
  });
  return own;
}

/** Vireo knows the peer's device (fetched from the server); returns its view of it. */
async function vireoKnowsDevice(w: World, jid: string, deviceId: number, timeoutMs = 30_000): Promise<OmemoDeviceView> {
  let seen: unknown;
  return poll(
    `Vireo to list ${jid}'s device ${deviceId}`,
    async () => {
      const r = await w.t!.call('omemo:devices', { accountId: w.account!.id, jid: jid as BareJid });
      seen = r;
      return r.ok ? r.value.find((d) => d.deviceId === deviceId && d.active) : undefined;
    },
    timeoutMs,
  ).catch((e: Error) => {
    throw new Error(`${e.message}; last answer: ${JSON.stringify(seen)}`);
  });
}

async function echoBot(w: World, o: Omit<EchoBotOptions, 'password' | 'workDir'>): Promise<PeerProcess> {
  const p = await startEchoBot(w.server, { password: pw(o.user), workDir: w.dir, ...o });
  w.peers.push(p);
  return p;
}
async function sender(w: World, o: Omit<SenderOptions, 'password' | 'workDir' | 'to'> & { to?: string }): Promise<PeerProcess> {
  const p = await startSender(w.server, { password: pw(o.user), workDir: w.dir, to: w.vireoJid, wait: 45, ...o });
  w.peers.push(p);
  return p;
}

/** Opens the chat and waits until Vireo will encrypt in it (the default once the contact has devices). */
async function openEncryptedChat(w: World, peer: PeerProcess): Promise<ConversationView> {
  const device = await vireoKnowsDevice(w, peer.jid, peer.ready.device_id);
  // The fingerprint Vireo shows is the one the peer shows (for comparing them by eye or QR code).
  expect(device.fingerprint).toBe(peer.ready.fingerprint);
  const conv = await poll(
    'chat encryption mode omemo',
    async () => {
      const c = await w.t!.must('chat:open', { accountId: w.account!.id, peer: peer.jid as BareJid });
      return c.encryption?.mode === 'omemo' && c.encryption.available ? c : undefined;
    },
    15_000,
  );
  expect(conv.kind).toBe('chat');
  return conv;
}

/** Everything Vireo added for one peer from index `after` on (for assertions and failure messages). */
function addedFrom(w: World, peerJid: string, after = 0): MessageView[] {
  return w
    .t!.events.slice(after)
    .filter((e) => e.name === 'message:added')
    .flatMap((e) => e.payload as MessageView[])
    .filter((m) => m.peer === peerJid);
}

/** The first incoming message from `peerJid` matching `pred`; on timeout, says what Vireo did show. */
async function incoming(
  w: World,
  peerJid: string,
  pred: (m: MessageView) => boolean,
  what: string,
  after: number,
  peer?: PeerProcess,
  timeoutMs = 30_000,
): Promise<MessageView> {
  try {
    const batch = await w.t!.waitForEvent(
      'message:added',
      (ms) => ms.some((m) => m.peer === peerJid && m.direction === 'in' && pred(m)),
      timeoutMs,
      after,
    );
    return batch.find((m) => m.peer === peerJid && m.direction === 'in' && pred(m))!;
  } catch {
    const shown = addedFrom(w, peerJid, after).map(
      (m) =>
        `  ${m.direction} ${JSON.stringify(m.body)} encrypted=${m.encrypted} warning=${JSON.stringify(m.warning)} trust=${m.senderTrust}`,
    );
    throw new Error(
      `Vireo did not show ${what} from ${peerJid} within ${timeoutMs} ms. Vireo showed:\n${shown.join('\n') || '  (nothing)'}` +
        `${peer ? `\n${peer.tail()}` : ''}`,
    );
  }
}

function expectDecrypted(m: MessageView, body: string): void {
  expect(m.body).toBe(body);
  expect(m.encrypted).toBe(true);
  expect(m.warning).toBeUndefined();
  expect(TRUST).toContain(m.senderTrust);
  expect(m.senderTrust).not.toBe('distrusted');
}

/** Vireo sends `body` in the chat with the echo bot; the bot decrypts it, Vireo decrypts the echo. */
async function roundTrip(
  w: World,
  bot: PeerProcess,
  conv: ConversationView,
  body: string,
): Promise<{ received: ReceivedEvent; echo: MessageView }> {
  const mark = w.t!.mark();
  const botMark = bot.mark();
  const sent = await w.t!.must('chat:send', { conversationId: conv.id, body });
  expect(sent.encrypted).toBe(true);
  const received = await bot.waitForText(body, 30_000, botMark);
  expect(received.from).toBe(w.vireoJid);
  expect(received.device_id).toBe(w.own!.deviceId);
  expect(received.fingerprint).toBe(w.own!.fingerprint);
  const echo = await incoming(w, bot.jid, (m) => m.body === `echo: ${body}` || !!m.warning, `"echo: ${body}"`, mark, bot);
  expectDecrypted(echo, `echo: ${body}`);
  return { received, echo };
}

/** The XML stanzas a peer sent, from its --xml-log. */
async function sentStanzas(p: PeerProcess): Promise<string[]> {
  const log = await readFile(p.xmlLogFile!, 'utf8');
  return log
    .split('\n')
    .filter((l) => /\bSEND: /.test(l))
    .map((l) => l.slice(l.indexOf('SEND: ') + 6));
}

describe('OMEMO interop: Vireo ↔ python-omemo/oldmemo peer', () => {
  it(
    '(a) Vireo → echo bot: the bot decrypts "hello", Vireo shows "echo: hello" encrypted',
    async () => {
      const w = await setUp({ peers: ['bot'], contacts: ['bot'] });
      const bot = await echoBot(w, { user: 'bot', accessModel: '' }); // a contact's nodes with the server default (presence)
      const conv = await openEncryptedChat(w, bot);
      expect(conv.encryption).toMatchObject({ mode: 'omemo', available: true });
      await roundTrip(w, bot, conv, 'hello');
      // The bot's own message is the only one shown: no fallback body, no empty message, nothing plain.
      const shown = addedFrom(w, bot.jid).filter((m) => m.direction === 'in');
      expect(shown.map((m) => m.body)).toEqual(['echo: hello']);
      expect(bot.events.filter((e) => ['decrypt_error', 'not_for_us', 'plaintext_unencrypted', 'peer_quirk'].includes(e.event))).toEqual(
        [],
      );
      // A second message uses the established session.
      await roundTrip(w, bot, conv, 'and again, with ünïcødé ✓');
    },
    TEST_TIMEOUT,
  );

  it(
    "(b) peer → Vireo: Vireo shows the plaintext encrypted, and the peer decrypts Vireo's reply",
    async () => {
      const w = await setUp({ peers: ['alice'], contacts: ['alice'] });
      const mark = w.t!.mark();
      const s = await sender(w, { user: 'alice', accessModel: '', messages: ['hi Vireo'], expectText: 'hi alice, got it' });
      const sent = await s.waitFor<SentEvent>((e) => e.event === 'sent', 20_000);
      expect(sent.rids).toContain(w.own!.deviceId);
      const m = await incoming(w, s.jid, (x) => x.body === 'hi Vireo' || !!x.warning, '"hi Vireo"', mark, s);
      expectDecrypted(m, 'hi Vireo');

      const conv = await w.t!.must('chat:open', { accountId: w.account!.id, peer: s.jid as BareJid });
      expect(conv.encryption?.mode).toBe('omemo');
      const reply = await w.t!.must('chat:send', { conversationId: conv.id, body: 'hi alice, got it' });
      expect(reply.encrypted).toBe(true);
      const got = await s.waitForText('hi alice, got it', 40_000);
      expect(got).toMatchObject({ from: w.vireoJid, device_id: w.own!.deviceId, fingerprint: w.own!.fingerprint });
      expect(await s.exited(60_000)).toEqual({ code: 0, signal: null });
    },
    TEST_TIMEOUT,
  );

  it('(c) the peer restarts with the same store (same device) and with a new store (a new device): messages flow both ways', async () => {
    const w = await setUp({ peers: ['bot'], contacts: ['bot'] });
    const bot1 = await echoBot(w, { user: 'bot', accessModel: '', store: 'store-1', label: 'bot-run1' });
    const conv = await openEncryptedChat(w, bot1);
    await roundTrip(w, bot1, conv, 'first run');
    await bot1.stop();

    // Same store: same device, the existing sessions go on.
    const bot2 = await echoBot(w, { user: 'bot', accessModel: '', store: 'store-1', label: 'bot-run2' });
    expect(bot2.ready.device_id).toBe(bot1.ready.device_id);
    await roundTrip(w, bot2, conv, 'same device');
    await bot2.stop();
    // ... and the peer can start a message to Vireo from it too.
    let mark = w.t!.mark();
    const s1 = await sender(w, {
      user: 'bot',
      accessModel: '',
      store: 'store-1',
      label: 'bot-sender-run3',
      messages: ['from the same device'],
      wait: 3,
    });
    expect(s1.ready.device_id).toBe(bot1.ready.device_id);
    expectDecrypted(
      await incoming(w, s1.jid, (m) => m.body === 'from the same device' || !!m.warning, '"from the same device"', mark, s1),
      'from the same device',
    );
    await s1.exited(60_000);

    // New store: a new device (the old one stays listed by the peer). Vireo must encrypt for it too.
    const bot3 = await echoBot(w, { user: 'bot', accessModel: '', store: 'store-2', label: 'bot-run4' });
    expect(bot3.ready.device_id).not.toBe(bot1.ready.device_id);
    expect(bot3.ready.own_other_devices).toContain(bot1.ready.device_id);
    await vireoKnowsDevice(w, bot3.jid, bot3.ready.device_id);
    await roundTrip(w, bot3, conv, 'new device');
    await bot3.stop();

    // A message started by yet another new device of the peer decrypts in Vireo.
    mark = w.t!.mark();
    const s2 = await sender(w, {
      user: 'bot',
      accessModel: '',
      store: 'store-3',
      label: 'bot-sender-run5',
      messages: ['from a brand-new device'],
      wait: 3,
    });
    expect(s2.ready.device_id).not.toBe(bot3.ready.device_id);
    expectDecrypted(
      await incoming(w, s2.jid, (m) => m.body === 'from a brand-new device' || !!m.warning, '"from a brand-new device"', mark, s2),
      'from a brand-new device',
    );
    await s2.exited(60_000);
  }, 240_000);

  it(
    '(d) a peer that is not a contact (open device lists and bundles): the first message decrypts both ways',
    async () => {
      const w = await setUp({ peers: ['stranger-bot', 'stranger'] }); // no roster subscription at all
      const bot = await echoBot(w, { user: 'stranger-bot', accessModel: 'open' });
      const conv = await openEncryptedChat(w, bot);
      await roundTrip(w, bot, conv, 'hello stranger');

      // The other way: the peer needs Vireo's device list and bundle without being a contact (Vireo publishes them open).
      const mark = w.t!.mark();
      const s = await sender(w, { user: 'stranger', accessModel: 'open', messages: ['hello from a stranger'], expectText: 'hello back' });
      const sent = await s.waitFor<SentEvent>((e) => e.event === 'sent', 20_000);
      expect(sent.rids).toContain(w.own!.deviceId);
      const m = await incoming(w, s.jid, (x) => x.body === 'hello from a stranger' || !!x.warning, '"hello from a stranger"', mark, s);
      expectDecrypted(m, 'hello from a stranger');
      const c2 = await w.t!.must('chat:open', { accountId: w.account!.id, peer: s.jid as BareJid });
      await w.t!.must('chat:send', { conversationId: c2.id, body: 'hello back' });
      await s.waitForText('hello back', 40_000);
      expect((await s.exited(60_000)).code).toBe(0);
    },
    TEST_TIMEOUT,
  );

  it(
    '(e) empty key-transport messages from the peer are accepted silently',
    async () => {
      const w = await setUp({ peers: ['bot'], contacts: ['bot'] });
      const bot = await echoBot(w, { user: 'bot', accessModel: '' });
      const conv = await openEncryptedChat(w, bot);
      const mark = w.t!.mark();
      // Vireo's first message is a prekey message: the peer answers it with an empty OMEMO message
      // (no <payload>) to complete the session, then with the echo.
      await roundTrip(w, bot, conv, 'start a session');
      const empties = (await sentStanzas(bot)).filter((s) => s.includes('<encrypted') && !s.includes('<payload') && s.includes(w.vireoJid));
      expect(empties.length, 'precondition: the peer sent an empty (key-transport) OMEMO message to Vireo').toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 1500)); // let anything late arrive
      const shown = addedFrom(w, bot.jid, mark).filter((m) => m.direction === 'in');
      expect(shown.map((m) => ({ body: m.body, warning: m.warning }))).toEqual([{ body: 'echo: start a session', warning: undefined }]);
      // Nothing in the conversation is marked as a problem either.
      const updatedWarnings = w
        .t!.events.slice(mark)
        .filter((e) => e.name === 'message:updated')
        .map((e) => e.payload as MessageView)
        .filter((m) => m.peer === bot.jid && m.warning);
      expect(updatedWarnings).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    '(e) … also when the empty message arrives while Vireo was offline (offline storage and the archive)',
    async () => {
      const w = await setUp({ peers: ['bot'], contacts: ['bot'] });
      const bot1 = await echoBot(w, { user: 'bot', accessModel: '', label: 'bot-online' });
      const conv = await openEncryptedChat(w, bot1);
      await bot1.stop();
      // Written while the bot is offline: the server keeps it for the bot.
      const out = await w.t!.must('chat:send', { conversationId: conv.id, body: 'while you were away' });
      expect(out.encrypted).toBe(true);
      await w.t!.waitForEvent('message:updated', (m) => m.id === out.id && m.state !== 'pending', 20_000);
      const profileDir = w.t!.profileDir;
      await w.t!.stop({ keepProfile: true });
      w.t = undefined;

      // The bot comes back, decrypts it, answers with an empty message and the echo: both wait on the server.
      const bot2 = await echoBot(w, { user: 'bot', accessModel: '', label: 'bot-back' });
      await bot2.waitForText('while you were away', 30_000);
      await bot2.waitFor((e) => e.event === 'sent' && e.text === 'echo: while you were away', 30_000);
      const empties = (await sentStanzas(bot2)).filter(
        (s) => s.includes('<encrypted') && !s.includes('<payload') && s.includes(w.vireoJid),
      );
      expect(empties.length, 'precondition: the peer sent an empty (key-transport) OMEMO message to Vireo').toBeGreaterThan(0);

      // Vireo starts again on the same profile (same device) and catches up.
      w.t = await startTestCore({ profileDir });
      const mark = 0;
      await w.t.waitForEvent('sync:state', (s) => s.accountId === w.account!.id && s.phase === 'synced', 30_000);
      const echo = await incoming(
        w,
        bot2.jid,
        (m) => m.body === 'echo: while you were away' || !!m.warning,
        '"echo: while you were away"',
        mark,
        bot2,
      );
      expectDecrypted(echo, 'echo: while you were away');
      await new Promise((r) => setTimeout(r, 1500));
      const shown = addedFrom(w, bot2.jid, mark).filter((m) => m.direction === 'in');
      expect(shown.map((m) => ({ body: m.body, warning: m.warning }))).toEqual([{ body: 'echo: while you were away', warning: undefined }]);
    },
    TEST_TIMEOUT,
  );

  it(
    "(f) a message not encrypted for Vireo's device is kept with a warning saying so, not dropped",
    async () => {
      const w = await setUp({ peers: ['alice'], contacts: ['alice'], signIn: false });
      // The account had another OMEMO client before Vireo: its device is the only one listed.
      const other = await startEchoBot(w.server, {
        user: VIREO_USER,
        password: VIREO_PW,
        workDir: w.dir,
        store: 'store-vireo-user-other-client',
        label: 'vireo-user-other-client',
        accessModel: '',
      });
      w.peers.push(other);
      await other.stop();
      // The peer writes while Vireo's device does not exist yet: encrypted for the other client only.
      const s = await sender(w, { user: 'alice', accessModel: '', messages: ['secret for the other device'], wait: 1 });
      const sent = await s.waitFor<SentEvent>((e) => e.event === 'sent', 20_000);
      expect(sent.rids).toEqual([other.ready.device_id]);
      await s.exited(30_000);

      await signIn(w);
      expect(w.own!.deviceId).not.toBe(other.ready.device_id);
      const m = await incoming(w, s.jid, (x) => x.encrypted === true || !!x.warning, 'the message from alice (with a warning)', 0, s);
      // The window words it (renderer/src/lib/notice-text.ts, tested there); the core says what happened.
      expect(m.warning, 'the reason it could not be read').toEqual({ kind: 'undecryptable', reason: 'not-for-this-device' });
      expect(m.body).not.toContain('secret for the other device');
      // Shown once (offline storage and the archive both deliver it).
      await new Promise((r) => setTimeout(r, 1500));
      expect(addedFrom(w, s.jid).filter((x) => x.direction === 'in')).toHaveLength(1);
    },
    TEST_TIMEOUT,
  );

  it(
    '(g) without a fallback <body> messages still decrypt, both ways',
    async () => {
      const w = await setUp({ peers: ['bot', 'alice'], contacts: ['bot', 'alice'] });
      const mark = w.t!.mark();
      const s = await sender(w, { user: 'alice', accessModel: '', noFallbackBody: true, messages: ['no body here'], wait: 3 });
      const m = await incoming(w, s.jid, (x) => x.body === 'no body here' || !!x.warning, '"no body here"', mark, s);
      expectDecrypted(m, 'no body here');
      await s.exited(60_000);
      expect((await sentStanzas(s)).filter((x) => x.includes('<encrypted')).every((x) => !x.includes('<body'))).toBe(true);

      const bot = await echoBot(w, { user: 'bot', accessModel: '', noFallbackBody: true });
      const conv = await openEncryptedChat(w, bot);
      await roundTrip(w, bot, conv, 'echo without a body');
    },
    TEST_TIMEOUT,
  );

  // What real clients do on the wire (the peer's README, "Switches"), one switch per test.

  it(
    '(h) a peer whose prekey and signed prekey ids start at 0: Vireo writes first, from its bundle; the peer decrypts and answers',
    async () => {
      const w = await setUp({ peers: ['bot'], contacts: ['bot'] });
      // Only prekey 0 is published: Vireo's session must start from signed prekey 0 and prekey 0.
      const bot = await echoBot(w, { user: 'bot', accessModel: '', keyIdsFromZero: true, publishPrekeys: 1 });
      const published = bot.events.find((e): e is BundleEvent => e.event === 'bundle');
      expect(published, 'precondition: the peer published signed prekey 0 and prekey 0 only').toMatchObject({
        signed_pre_key_id: 0,
        pre_key_ids: [0],
        pre_keys: 1,
      });
      const conv = await openEncryptedChat(w, bot);
      await roundTrip(w, bot, conv, 'Vireo speaks first');
      await roundTrip(w, bot, conv, 'and the session goes on');
      expect(bot.events.filter((e) => ['decrypt_error', 'not_for_us', 'plaintext_unencrypted'].includes(e.event))).toEqual([]);
    },
    TEST_TIMEOUT,
  );

  it(
    '(i) a session started without prekey="true": Vireo reads it, and the peer reads Vireo\'s answer',
    async () => {
      const w = await setUp({ peers: ['alice'], contacts: ['alice'] });
      const mark = w.t!.mark();
      const s = await sender(w, {
        user: 'alice',
        accessModel: '',
        noPrekeyAttr: true,
        messages: ['no prekey flag'],
        expectText: 'read you',
      });
      await s.waitFor<PrekeyAttrDroppedEvent>((e) => e.event === 'prekey_attr_dropped' && e.rid === w.own!.deviceId, 20_000);
      const m = await incoming(w, s.jid, (x) => x.body === 'no prekey flag' || !!x.warning, '"no prekey flag"', mark, s);
      expectDecrypted(m, 'no prekey flag');
      const toVireo = (await sentStanzas(s)).filter((x) => x.includes('<encrypted') && x.includes(`rid="${w.own!.deviceId}"`));
      expect(toVireo.length, 'precondition: the peer wrote to Vireo').toBeGreaterThan(0);
      expect(
        toVireo.every((x) => !x.includes('prekey=')),
        'precondition: no prekey attribute on the wire',
      ).toBe(true);
      const conv = await w.t!.must('chat:open', { accountId: w.account!.id, peer: s.jid as BareJid });
      await w.t!.must('chat:send', { conversationId: conv.id, body: 'read you' });
      await s.waitForText('read you', 40_000);
      expect((await s.exited(60_000)).code).toBe(0);
    },
    TEST_TIMEOUT,
  );

  it(
    '(j) an <encrypted/> with no key for Vireo: shown with a warning in words, once, never its text',
    async () => {
      const w = await setUp({ peers: ['alice'], contacts: ['alice'] });
      await vireoKnowsDevice(w, w.vireoJid, w.own!.deviceId);
      const mark = w.t!.mark();
      const s = await sender(w, {
        user: 'alice',
        accessModel: '',
        noKeyForRecipient: true,
        messages: ['only for my other devices'],
        wait: 3,
      });
      const sent = await s.waitFor<SentEvent>((e) => e.event === 'sent', 20_000);
      expect(sent.rids, "precondition: no key for Vireo's device").not.toContain(w.own!.deviceId);
      const m = await incoming(w, s.jid, (x) => x.encrypted === true || !!x.warning, 'the message with no key for Vireo', mark, s);
      expect(m.warning).toEqual({ kind: 'undecryptable', reason: 'not-for-this-device' });
      expect(m.body).not.toContain('only for my other devices');
      await s.exited(60_000);
      await new Promise((r) => setTimeout(r, 1500)); // a copy from the archive would come now
      expect(addedFrom(w, s.jid, mark).filter((x) => x.direction === 'in')).toHaveLength(1);
    },
    TEST_TIMEOUT,
  );
});
