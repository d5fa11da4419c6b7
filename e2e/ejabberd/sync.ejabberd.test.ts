// On a real ejabberd 23.01: two devices of one account (carbons, XEP-0280), catch-up from the archive
// (XEP-0313) exactly once, resumption of a dropped stream (XEP-0198), and ejabberd's resend_on_timeout:
// stanzas a session never acknowledged are routed again when it times out — with nobody else online
// they go to offline storage and reach the next session, archive results included. Those answer no
// query of the new session and must change nothing.
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEjabberd, type EjabberdServer } from '../fixtures/ejabberd.js';
import { startFaultProxy, type FaultProxy } from '../fixtures/fault-proxy.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../fixtures/core-harness.js';
import type { AccountView, ConversationView } from '../../shared/views.js';

// Long enough for a resumption on a loaded machine, short enough to wait out once.
const RESUME_TIMEOUT_S = 8;
let server: EjabberdServer;
let proxy: FaultProxy;
let phone: TestCore; // alice, through the fault proxy
let laptop: TestCore; // alice
let bob: TestCore;
let phoneAcc: AccountView;
let phoneConv: ConversationView;
let bobConv: ConversationView;
const ALICE = () => `alice@${server.domain}`;
const BOB = () => `bob@${server.domain}`;

async function bodies(t: TestCore, peer: string) {
  const conv = (await t.must('chats:list', {})).find((c) => c.peer === peer);
  if (!conv) return [];
  return (await t.must('chat:history', { conversationId: conv.id, limit: 500 })).messages.map((m) => `${m.direction}:${m.body}`);
}

beforeAll(async () => {
  server = await startEjabberd({ resumeTimeout: RESUME_TIMEOUT_S });
  await server.register('alice', 'a-pw');
  await server.register('bob', 'b-pw');
  proxy = await startFaultProxy({ host: server.host, port: server.c2sPort });
  [phone, laptop, bob] = await Promise.all([startTestCore(), startTestCore(), startTestCore()]);
  const mark = phone.mark();
  phoneAcc = await phone.must('accounts:add', {
    jid: ALICE(),
    password: 'a-pw',
    manual: { host: server.host, port: proxy.port },
    pinnedCertificate: server.cert.fingerprint256,
  });
  await phone.waitForEvent('sync:state', (s) => s.phase === 'synced', 20_000, mark);
  await addSyncedAccount(laptop, server, 'alice', 'a-pw');
  const bobAcc = await addSyncedAccount(bob, server, 'bob', 'b-pw');
  bobConv = await bob.must('chat:open', { accountId: bobAcc.id, peer: ALICE() });
  phoneConv = await phone.must('chat:open', { accountId: phoneAcc.id, peer: BOB() });
  // Plain text, so that every device can read the archive (OMEMO has its own file).
  await bob.must('chat:set-encryption', { conversationId: bobConv.id, mode: 'plain' });
  await phone.must('chat:set-encryption', { conversationId: phoneConv.id, mode: 'plain' });
});
afterAll(async () => {
  for (const t of [phone, laptop, bob]) await t?.stop();
  await proxy?.close();
  await server?.stop();
});

describe('two devices of one account on ejabberd', () => {
  it('each sees what the other sends (carbons), and both receive what bob sends, once', async () => {
    await phone.must('chat:send', { conversationId: phoneConv.id, body: 'from my phone' });
    await laptop.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'from my phone' && m.direction === 'out'));
    await bob.must('chat:send', { conversationId: bobConv.id, body: 'hi both' });
    await expect.poll(() => bodies(laptop, BOB())).toEqual(['out:from my phone', 'in:hi both']);
    await expect.poll(() => bodies(phone, BOB())).toEqual(['out:from my phone', 'in:hi both']);
  });

  it('a device that was off gets everything it missed from the archive, in order, exactly once', async () => {
    const profileDir = laptop.profileDir;
    await laptop.stop({ keepProfile: true });
    for (let i = 0; i < 20; i++) {
      await bob.must('chat:send', { conversationId: bobConv.id, body: `missed ${i}` });
      if (i % 10 === 9) await phone.must('chat:send', { conversationId: phoneConv.id, body: `phone reply ${i}` });
    }
    await expect.poll(() => bodies(phone, BOB()).then((b) => b.length), { timeout: 10_000 }).toBe(24);
    laptop = await startTestCore({ profileDir, archivePageSize: 7 });
    await laptop.waitForEvent('sync:state', (s) => s.phase === 'synced', 20_000);
    const got = await bodies(laptop, BOB());
    expect(new Set(got).size).toBe(got.length);
    expect([...got].sort()).toEqual([...(await bodies(phone, BOB()))].sort());
    expect(got.filter((b) => b.startsWith('in:missed'))).toEqual(Array.from({ length: 20 }, (_, i) => `in:missed ${i}`));
  });
});

describe('stream management on ejabberd', () => {
  it('resumes a dropped stream at once, and messages sent to it meanwhile arrive exactly once', async () => {
    const before = phone.mark();
    const had = await bodies(phone, BOB());
    proxy.cutAll();
    for (let i = 0; i < 10; i++) await bob.must('chat:send', { conversationId: bobConv.id, body: `while cut ${i}` });
    await phone
      .waitForEvent('connection:state', (s) => s.status === 'online' && s.session === 'resumed', 10_000, before)
      .catch((err: Error) => {
        // Say which states were seen (a new session instead of a resumed one, an error…).
        const states = phone.events
          .slice(before)
          .filter((e) => e.name === 'connection:state')
          .map((e) => e.payload);
        throw new Error(`${err.message}\nconnection states: ${JSON.stringify(states)}`);
      });
    const want = [...had, ...Array.from({ length: 10 }, (_, i) => `in:while cut ${i}`)];
    await expect.poll(() => bodies(phone, BOB()), { timeout: 10_000 }).toEqual(want);
  });

  it('archive results re-delivered from a session that timed out answer no query of the new one: they change nothing', async () => {
    const had = await bodies(phone, BOB());
    const unread = (await phone.must('chats:list', {})).find((c) => c.peer === BOB())!.unread;
    const profileDir = phone.profileDir;
    await phone.stop({ keepProfile: true });
    await laptop.must('accounts:disconnect', { accountId: (await laptop.must('accounts:list', {}))[0]!.id });
    // Another client of alice's reads her archive and vanishes without acknowledging the results.
    const results = await queryArchiveAndVanish(server, 'alice', 'a-pw');
    expect(results).toBeGreaterThan(20);
    // ejabberd gives the session up after resume_timeout and routes what it never acknowledged again:
    // nobody of alice's is online, so into offline storage.
    await new Promise((r) => setTimeout(r, (RESUME_TIMEOUT_S + 2) * 1000));
    expect(Number((await server.ctl('get_offline_count', 'alice', server.domain)).trim())).toBeGreaterThan(0);

    phone = await startTestCore({ profileDir });
    await phone.waitForEvent('sync:state', (s) => s.phase === 'synced', 20_000);
    await new Promise((r) => setTimeout(r, 1500));
    const got = await bodies(phone, BOB());
    expect(new Set(got).size).toBe(got.length);
    expect(got).toEqual(had);
    expect((await phone.must('chats:list', {})).find((c) => c.peer === BOB())!.unread).toBe(unread);
    expect(Number((await server.ctl('get_offline_count', 'alice', server.domain)).trim())).toBe(0);
  });
});

/**
 * A bare-bones client on Direct TLS: SASL PLAIN, bind, XEP-0198 enabled with resumption, one MAM query of
 * the whole archive; once its <fin/> is in, the socket is destroyed without a single <a/>.
 */
async function queryArchiveAndVanish(s: EjabberdServer, user: string, password: string): Promise<number> {
  const sock = tls.connect({ host: s.host, port: s.directTlsPort, servername: s.domain, ca: [s.cert.pem] });
  let buf = '';
  sock.on('data', (d: Buffer) => {
    buf += d.toString('utf8');
  });
  const until = async (re: RegExp) => {
    const deadline = Date.now() + 10_000;
    while (!re.test(buf)) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; got: ${buf.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const open = `<?xml version='1.0'?><stream:stream to='${s.domain}' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>`;
  try {
    await new Promise<void>((resolve, reject) => {
      sock.once('secureConnect', resolve);
      sock.once('error', reject);
    });
    sock.write(open);
    await until(/<\/stream:features>/);
    buf = '';
    sock.write(
      `<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>${Buffer.from(`\0${user}\0${password}`).toString('base64')}</auth>`,
    );
    await until(/<success/);
    buf = '';
    sock.write(open);
    await until(/<\/stream:features>/);
    sock.write(`<iq type='set' id='b1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><resource>vanishing</resource></bind></iq>`);
    await until(/id=['"]b1['"]/);
    sock.write(`<enable xmlns='urn:xmpp:sm:3' resume='true'/>`);
    await until(/<enabled/);
    buf = '';
    sock.write(
      `<iq type='set' id='q1'><query xmlns='urn:xmpp:mam:2' queryid='gone-with-the-session'><set xmlns='http://jabber.org/protocol/rsm'><max>100</max></set></query></iq>`,
    );
    await until(/<fin/);
    return buf.split('<result ').length - 1;
  } finally {
    sock.destroy();
  }
}
