// Integration: a server (or a man in the middle holding its key) that sends bad XML, a stanza over the
// size limit, or a forged XEP-0198 count cannot crash Vireo, make it deaf, or make it lose a message.
// Real Prosody behind the fault proxy in TLS mode (it ends TLS with the server's certificate, which the
// account pins, and sees the XML); real cores with SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { startFaultProxy, type FaultProxy } from '../../../e2e/fixtures/fault-proxy.js';
import { addSyncedAccount, startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import type { AccountView, ConversationView } from '../../../shared/views.js';

let server: ProsodyServer;
let alice: TestCore;
let bob: TestCore;
let bobAcc: AccountView;
const proxies: FaultProxy[] = [];
let users = 0;

beforeAll(async () => {
  server = await startProsody();
  await server.register('bob', 'b-pw');
  alice = await startTestCore();
  bob = await startTestCore();
  bobAcc = await addSyncedAccount(bob, server, 'bob', 'b-pw');
});
afterAll(async () => {
  await alice?.stop();
  await bob?.stop();
  for (const p of proxies) await p.close();
  await server?.stop();
});

interface Victim {
  acc: AccountView;
  proxy: FaultProxy;
  /** Everything Vireo wrote to the server through the proxy (latin1). */
  upstream(): string;
  /** Bob's chat with this account. */
  fromBob: ConversationView;
  /** This account's chat with Bob. */
  toBob: ConversationView;
}

/** A fresh account of Alice's core, signed in through its own man in the middle, synced. */
async function victim(): Promise<Victim> {
  const user = `alice${++users}`;
  await server.register(user, 'a-pw');
  const proxy = await startFaultProxy(
    { host: '127.0.0.1', port: server.directTlsPort },
    { tls: { cert: server.cert.pem, key: server.cert.keyPem, servername: server.domain } },
  );
  proxies.push(proxy);
  let up = '';
  proxy.rewrite('up', (chunk) => {
    up += chunk;
    return undefined;
  });
  const acc = await addSyncedAccount(alice, server, user, 'a-pw', { directTlsPort: proxy.port });
  const toBob = await alice.must('chat:open', { accountId: acc.id, peer: `bob@${server.domain}` });
  const fromBob = await bob.must('chat:open', { accountId: bobAcc.id, peer: `${user}@${server.domain}` });
  // Let sign-in traffic (OMEMO publishing, presence) settle, so that what is injected lands between stanzas.
  await new Promise((r) => setTimeout(r, 500));
  return { acc, proxy, upstream: () => up, fromBob, toBob };
}

/**
 * After something hostile at `mark`: the account goes offline, comes back at once (never "waiting to
 * retry"), and a message Bob sends then arrives. Resolves with the milliseconds from `since` to arrival.
 */
async function recovers(v: Victim, mark: number, since: number, body: string): Promise<number> {
  await alice.waitForEvent('connection:state', (s) => s.accountId === v.acc.id && s.status !== 'online', 5000, mark);
  await alice.waitForEvent('connection:state', (s) => s.accountId === v.acc.id && s.status === 'online', 10_000, mark);
  const states = alice.events
    .slice(mark)
    .filter((e) => e.name === 'connection:state')
    .map((e) => e.payload as { accountId: string; status: string });
  expect(states.filter((s) => s.accountId === v.acc.id).map((s) => s.status)).not.toContain('waiting-to-retry');
  await bob.must('chat:send', { conversationId: v.fromBob.id, body });
  await alice.waitForEvent('message:added', (ms) => ms.some((m) => m.conversationId === v.toBob.id && m.body === body), 10_000, mark);
  return Date.now() - since;
}

const streamError = (condition: string) => new RegExp(`<stream:error[^>]*><${condition} xmlns=['"]urn:ietf:params:xml:ns:xmpp-streams['"]`);
const toAlice = (v: Victim, inner: string) =>
  `<message from='bob@${server.domain}/x' to='${v.acc.jid}' type='chat' id='evil'>${inner}</message>`;

describe('malformed XML from the server', () => {
  const cases: { name: string; bytes: (v: Victim) => string | Buffer; condition: string | undefined }[] = [
    { name: 'an undefined entity (&xxe;)', bytes: (v) => toAlice(v, '<body>&xxe;</body>'), condition: 'restricted-xml' },
    { name: 'a DOCTYPE', bytes: () => `<!DOCTYPE stream [<!ENTITY xxe "boom">]>`, condition: 'restricted-xml' },
    { name: 'a mismatched end tag', bytes: (v) => toAlice(v, '<body>x</bodyx>'), condition: 'not-well-formed' },
    {
      name: 'invalid UTF-8',
      bytes: (v) =>
        Buffer.concat([
          Buffer.from(toAlice(v, '<body>').slice(0, -'</message>'.length)),
          Buffer.from([0xff, 0xfe]),
          Buffer.from('</body></message>'),
        ]),
      condition: 'not-well-formed',
    },
    // The server's stream is over: nothing to answer with an error, only our own closing tag.
    {
      name: '</stream:stream> mid-session followed by more bytes',
      bytes: (v) => `</stream:stream>${toAlice(v, '<body>after the end</body>')}`,
      condition: undefined,
    },
  ];
  for (const c of cases) {
    it(`${c.name}: the stream is closed${c.condition ? ` with ${c.condition}` : ''}, and the account is back at once and hears the next message`, async () => {
      const v = await victim();
      const mark = alice.mark();
      const since = Date.now();
      v.proxy.inject('down', c.bytes(v));
      const ms = await recovers(v, mark, since, `after ${c.name}`);
      expect(ms).toBeLessThan(10_000);
      if (c.condition) expect(v.upstream()).toMatch(streamError(c.condition));
      else expect(v.upstream()).toMatch(/<\/stream:stream>/);
      // Nothing of the bad input was stored as a message.
      const history = await alice.must('chat:history', { conversationId: v.toBob.id, limit: 50 });
      expect(history.messages.map((m) => m.body)).toEqual([`after ${c.name}`]);
      console.log(`hostile-stream: ${c.name}: back and a new message received in ${ms} ms`);
    });
  }

  it('a server that keeps sending bad XML gets the usual backoff after the first immediate reconnect (no loop at full speed)', async () => {
    const v = await victim();
    let mark = alice.mark();
    v.proxy.inject('down', toAlice(v, '<body>&xxe;</body>'));
    await recovers(v, mark, Date.now(), 'between the two');
    mark = alice.mark();
    v.proxy.inject('down', toAlice(v, '<body>&xxe;</body>'));
    const waiting = await alice.waitForEvent(
      'connection:state',
      (st) => st.accountId === v.acc.id && st.status === 'waiting-to-retry',
      5000,
      mark,
    );
    expect(waiting.error?.code).toBe('connection-lost');
    await alice.waitForEvent('connection:state', (st) => st.accountId === v.acc.id && st.status === 'online', 10_000, mark);
  });

  it('a stanza over 1 MiB: policy-violation, and the same recovery', async () => {
    const v = await victim();
    const mark = alice.mark();
    const since = Date.now();
    v.proxy.inject('down', toAlice(v, `<body>${'x'.repeat(1024 * 1024 + 64 * 1024)}</body>`));
    const ms = await recovers(v, mark, since, 'after the big one');
    expect(ms).toBeLessThan(10_000);
    expect(v.upstream()).toMatch(streamError('policy-violation'));
    const history = await alice.must('chat:history', { conversationId: v.toBob.id, limit: 50 });
    expect(history.messages.map((m) => m.body)).toEqual(['after the big one']);
    console.log(`hostile-stream: stanza over 1 MiB: back and a new message received in ${ms} ms`);
  });
});

describe('bad XML during sign-in', () => {
  it('the attempt ends with restricted-xml and the next one starts at once (no "waiting to retry")', async () => {
    await server.register('carol', 'c-pw');
    const proxy = await startFaultProxy(
      { host: '127.0.0.1', port: server.directTlsPort },
      { tls: { cert: server.cert.pem, key: server.cert.keyPem, servername: server.domain } },
    );
    proxies.push(proxy);
    let up = '';
    proxy.rewrite('up', (chunk) => void (up += chunk));
    const acc = await alice.must('accounts:add', {
      jid: `carol@${server.domain}`,
      password: 'c-pw',
      manual: { host: '127.0.0.1', port: proxy.port, transport: 'direct-tls' },
      pinnedCertificate: server.cert.fingerprint256,
    });
    await alice.must('accounts:disconnect', { accountId: acc.id });
    // The features after authentication (the ones offering resource binding) carry an undefined entity, once.
    let spoiled = false;
    proxy.rewrite('down', (chunk) => {
      if (spoiled || !chunk.includes('urn:ietf:params:xml:ns:xmpp-bind')) return undefined;
      spoiled = true;
      return chunk.replace('<stream:features', '<x>&xxe;</x><stream:features');
    });
    const mark = alice.mark();
    const since = Date.now();
    await alice.must('accounts:connect', { accountId: acc.id });
    await alice.waitForEvent('connection:state', (st) => st.accountId === acc.id && st.status === 'online', 10_000, mark);
    expect(spoiled).toBe(true);
    expect(up).toMatch(streamError('restricted-xml'));
    const states = alice.events
      .slice(mark)
      .filter((e) => e.name === 'connection:state')
      .map((e) => e.payload as { accountId: string; status: string });
    expect(states.filter((st) => st.accountId === acc.id).map((st) => st.status)).not.toContain('waiting-to-retry');
    console.log(`hostile-stream: bad XML during sign-in: online ${Date.now() - since} ms after connecting`);
  });
});

describe('a forged XEP-0198 count (more stanzas handled than were sent)', () => {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  /** Replace the first match of `re` in a chunk going `direction`, once; tells when it happened. */
  function once(v: Victim, direction: 'up' | 'down', re: RegExp, to: (...m: string[]) => string, armed: () => boolean = () => true) {
    const done = { at: 0 };
    const remove = v.proxy.rewrite(direction, (chunk) => {
      if (done.at || !armed() || !re.test(chunk)) return undefined;
      done.at = Date.now();
      remove();
      return chunk.replace(re, to);
    });
    return done;
  }
  const plusThousand = (_all: string, head: string, q: string, h: string) => `${head}${q}${Number(h) + 1000}${q}`;

  /** The message reaches Bob exactly once within 10 s of `since`, and ends "sent" (only once the server really has it). */
  async function delivered(v: Victim, id: string, body: string, since: number) {
    await bob.waitForEvent('message:added', (ms) => ms.some((m) => m.body === body), 10_000);
    const ms = Date.now() - since;
    expect(ms).toBeLessThan(10_000);
    await expect
      .poll(
        async () => (await alice.must('chat:history', { conversationId: v.toBob.id, limit: 50 })).messages.find((m) => m.id === id)?.state,
        { timeout: 10_000 },
      )
      .toBe('sent');
    const atBob = (await bob.must('chat:history', { conversationId: v.fromBob.id, limit: 50 })).messages.filter((m) => m.body === body);
    expect(atBob).toHaveLength(1);
    // XEP-0198 §5: <undefined-condition/> with <handled-count-too-high h send-count/>.
    expect(v.upstream()).toMatch(
      /<stream:error[^>]*><undefined-condition xmlns=['"]urn:ietf:params:xml:ns:xmpp-streams['"]\/><handled-count-too-high xmlns=['"]urn:xmpp:sm:3['"] h=['"]\d+['"] send-count=['"]\d+['"]\/>/,
    );
    return ms;
  }

  it('<a h/>: the message the server never got is not marked sent, and goes out again at once on the next stream', async () => {
    const v = await victim();
    await alice.must('chat:set-encryption', { conversationId: v.toBob.id, mode: 'plain' });
    // Someone in the middle swallows the message, then claims the server handled far more than was sent.
    const dropped = once(v, 'up', /<message\b(?:(?!<message\b)[\s\S])*?<body>forged-a<\/body>[\s\S]*?<\/message>/, () => '');
    const forged = once(v, 'down', /(<a\s[^>]*\bh=)(['"])(\d+)\2/, plusThousand, () => dropped.at > 0);
    const m = await alice.must('chat:send', { conversationId: v.toBob.id, body: 'forged-a' });
    await expect.poll(() => forged.at, { timeout: 5000 }).toBeGreaterThan(0);
    const ms = await delivered(v, m.id, 'forged-a', forged.at);
    console.log(`hostile-stream: forged <a h/>: the message reached the contact ${ms} ms after the forged count`);
  });

  it('<resumed h/>: the resumption is refused, nothing is marked sent from it, and a new session sends the message', async () => {
    const v = await victim();
    await alice.must('chat:set-encryption', { conversationId: v.toBob.id, mode: 'plain' });
    const forged = once(v, 'down', /(<resumed\s[^>]*\bh=)(['"])(\d+)\2/, plusThousand);
    // The link dies silently while the message is written: it never reaches the server.
    v.proxy.blackhole();
    const m = await alice.must('chat:send', { conversationId: v.toBob.id, body: 'forged-resumed' });
    await sleep(300);
    v.proxy.cutAll();
    v.proxy.resume();
    await expect.poll(() => forged.at, { timeout: 10_000 }).toBeGreaterThan(0);
    const ms = await delivered(v, m.id, 'forged-resumed', forged.at);
    console.log(`hostile-stream: forged <resumed h/>: the message reached the contact ${ms} ms after the forged count`);
  });

  it('<failed h/>: nothing is marked sent from it, and the new session sends the message', async () => {
    const v = await victim();
    await alice.must('chat:set-encryption', { conversationId: v.toBob.id, mode: 'plain' });
    // The resumption fails (an unknown previd), and the <failed/> claims a count far above what was sent.
    once(v, 'up', /(<resume\s[^>]*\bprevid=)(['"])[^'"]*\2/, (_all, head, q) => `${head}${q}unknown${q}`);
    const forged = once(v, 'down', /<failed\b[^>]*xmlns=['"]urn:xmpp:sm:3['"][^>]*>/, (all) =>
      all.replace(/\s+h=(['"])\d+\1/, '').replace('<failed', "<failed h='1000000'"),
    );
    v.proxy.blackhole();
    const m = await alice.must('chat:send', { conversationId: v.toBob.id, body: 'forged-failed' });
    await sleep(300);
    v.proxy.cutAll();
    v.proxy.resume();
    await expect.poll(() => forged.at, { timeout: 10_000 }).toBeGreaterThan(0);
    const ms = await delivered(v, m.id, 'forged-failed', forged.at);
    console.log(`hostile-stream: forged <failed h/>: the message reached the contact ${ms} ms after the forged count`);
  });
});
