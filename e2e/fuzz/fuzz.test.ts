// The fuzzer (issue #11 §4): FUZZ_N hostile stanzas (1,000 in `npm test`, 10,000 from `npm run
// test:fuzz`) written to a Vireo core by a man in the middle in front of a real Prosody, in batches;
// after each batch a contact sends a normal message through the real server, which must arrive while
// the account shows online ("deaf" counts those that did not). Pass: nothing uncaught, never deaf, peak
// memory ≤ 250 MB, and afterwards the account sends and receives a normal message. Ends with one line:
//   fuzz stanzas=… uncaught=… deaf=… peak_rss_mb=…
// FUZZ_SEED replays a run; FUZZ_SUMMARY_FILE is where build/scripts/fuzz.mjs reads the line.
import { afterAll, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { startProsody, type ProsodyServer } from '../fixtures/prosody.js';
import { closeClient, createXmppClient, type XmppClient } from '../../electron/xmpp/client.js';
import type { ConnectionStateView } from '../../shared/views.js';
import { startInjectingProxy, type InjectingProxy } from './injecting-proxy.js';
import { startFuzzCore, type FuzzCore } from './fuzz-core.js';
import { createHostileStanzas, rngFrom } from './hostile-stanzas.js';
import { createMalformedStream } from './malformed-stream.js';

const N = Number(process.env.FUZZ_N ?? 1000);
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const BATCH = 50;
/** Every third batch ends with bytes that break the stream (malformed-stream.ts). */
const MALFORMED_EVERY = 3;
const PEAK_RSS_LIMIT_MB = 250;
/** On loopback a message arrives in milliseconds; after a reconnect within 10 s (issue #11 §4). */
const ARRIVAL_MS = 10_000;
const totals = { stanzas: 0, uncaught: 0, deaf: 0, peakRssMb: 0 };

afterAll(async () => {
  const line = `fuzz stanzas=${totals.stanzas} uncaught=${totals.uncaught} deaf=${totals.deaf} peak_rss_mb=${totals.peakRssMb}`;
  console.log(line);
  if (process.env.FUZZ_SUMMARY_FILE) await writeFile(process.env.FUZZ_SUMMARY_FILE, `${line}\n`);
});

interface World {
  server: ProsodyServer;
  proxy: InjectingProxy;
  alice: FuzzCore;
  bob: XmppClient;
  profile: string;
  accountId: string;
  bobInbox: string[];
}

function connectionOf(w: World): ConnectionStateView['status'] | undefined {
  const states = w.alice.events.filter((e) => e.name === 'connection:state').map((e) => e.payload as ConnectionStateView);
  return states.filter((s) => s.accountId === w.accountId).at(-1)?.status;
}

/** Online, with a stream the proxy can write to; false if that does not happen within `ms`. */
async function untilUsable(w: World, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (!(connectionOf(w) === 'online' && w.proxy.ready())) {
    if (Date.now() > until || w.alice.exited() !== undefined) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

/** A contact writes through the real server; true when the message reached the account in time. */
async function arrives(w: World, body: string, late?: string[]): Promise<boolean> {
  const mark = w.alice.mark();
  const sent = Date.now();
  await w.bob.send(xml('message', { to: `alice@${w.server.domain}`, type: 'chat', id: `p-${body}` }, xml('body', {}, body)));
  try {
    await w.alice.waitForEvent('message:added', (ms) => ms.some((m) => m.body === body), ARRIVAL_MS, mark);
    return true;
  } catch {
    if (!late) return false;
    // Say what happened meanwhile, and whether it came late or never, to tell a slow reconnect from a loss.
    const came = await w.alice
      .waitForEvent('message:added', (ms) => ms.some((m) => m.body === body), 20_000, mark)
      .then(
        () => Date.now() - sent,
        () => undefined,
      );
    const states = w.alice.events
      .map((e, i) => ({ e, at: w.alice.times[i]! - sent }))
      .slice(mark)
      .filter(({ e }) => e.name === 'connection:state')
      .map(({ e, at }) => {
        const s = e.payload as ConnectionStateView;
        return `${at} ms ${s.status}${s.error ? ` (${s.error.code}${s.error.detail ? `: ${s.error.detail}` : ''})` : ''}`;
      });
    late.push(
      `sent at ${new Date(sent).toISOString()}, ${came === undefined ? 'never arrived' : `arrived after ${came} ms`}; connection: ${states.join(' → ') || 'no change'}`,
    );
    return false;
  }
}

async function setUp(): Promise<World> {
  const server = await startProsody();
  await server.register('alice', 'a-pw');
  await server.register('bob', 'b-pw');
  const proxy = await startInjectingProxy({ upstreamPort: server.directTlsPort, cert: server.cert });
  const profile = await mkdtemp(path.join(os.tmpdir(), 'vireo-fuzz-'));
  const alice = await startFuzzCore(profile);
  const acc = await alice.must('accounts:add', {
    jid: `alice@${server.domain}`,
    password: 'a-pw',
    manual: { host: '127.0.0.1', port: proxy.port, transport: 'direct-tls' },
    pinnedCertificate: server.cert.fingerprint256,
  });
  await alice.waitForEvent('sync:state', (s) => s.accountId === acc.id && s.phase === 'synced', 20_000);
  const bob = createXmppClient({
    jid: `bob@${server.domain}`,
    password: 'b-pw',
    resource: 'fuzz',
    service: `xmpp://127.0.0.1:${server.c2sPort}`,
    pinned: server.cert.fingerprint256,
  });
  bob.on('error', () => {});
  const bobInbox: string[] = [];
  bob.on('stanza', (el: Element) => {
    const text = el.is('message') ? el.getChildText('body') : null;
    if (text) bobInbox.push(text);
  });
  await bob.start();
  await bob.send(xml('presence'));
  // A room joined, so room presence and messages reach the room parsers, not only the stray-stanza path.
  await alice.must('rooms:join', { accountId: acc.id, room: `fuzz@${server.mucDomain}`, nick: 'alice' });
  return { server, proxy, alice, bob, profile, accountId: acc.id, bobInbox };
}

it(
  `${N} hostile stanzas: nothing uncaught, never deaf, peak memory ≤ ${PEAK_RSS_LIMIT_MB} MB, and the account still works`,
  async () => {
    const w = await setUp();
    const problems: string[] = [];
    try {
      const ctx = {
        own: `alice@${w.server.domain}`,
        domain: w.server.domain,
        peer: `bob@${w.server.domain}`,
        room: `fuzz@${w.server.mucDomain}`,
      };
      const next = createHostileStanzas(ctx, rngFrom(SEED));
      const nextMalformed = createMalformedStream(ctx, rngFrom(SEED + 1));
      expect(await arrives(w, 'before the fuzzer'), 'a message arrives before any hostile stanza').toBe(true);
      let round = 0;
      while (totals.stanzas < N && problems.length < 5) {
        if (!(await untilUsable(w, 30_000))) {
          problems.push(`after ${totals.stanzas} stanzas the account did not come back online within 30 s (last state ${connectionOf(w)})`);
          break;
        }
        const kinds: string[] = [];
        round++;
        for (let i = 0; i < BATCH && totals.stanzas < N; i++) {
          // The last of some batches breaks the stream: the account must be back and hear the probe.
          const s =
            i === BATCH - 1 && round % MALFORMED_EVERY === 0 ? (({ kind, bytes }) => ({ kind, xml: bytes }))(nextMalformed()) : next();
          if (!w.proxy.inject(s.xml)) break;
          kinds.push(s.kind);
          totals.stanzas++;
        }
        // Deaf: shows online, yet a message sent to it does not arrive.
        const onlineBefore = connectionOf(w) === 'online';
        const late: string[] = [];
        if (!(await arrives(w, `probe ${round}`, late)) && onlineBefore) {
          totals.deaf++;
          problems.push(
            `deaf after stanzas ${totals.stanzas - kinds.length}…${totals.stanzas} (${[...new Set(kinds)].join(', ')}): ${late.join('')}`,
          );
        }
        totals.uncaught = w.alice.uncaught.length;
        if (w.alice.exited() !== undefined) {
          problems.push(`the core process ended (exit ${w.alice.exited()}) after ${totals.stanzas} stanzas`);
          totals.uncaught = Math.max(1, totals.uncaught);
          break;
        }
      }
      totals.peakRssMb = Math.max(totals.peakRssMb, w.alice.peakRssMb());
      console.log(
        `fuzz: ${round} batches, ${w.proxy.connections()} connections to the proxy (each stream break costs one), ${w.alice.loggedErrors.length} errors logged by the core${w.alice.loggedErrors.length ? `, the first: ${w.alice.loggedErrors[0]}` : ''}`,
      );

      // Afterwards the account sends and receives a normal message through the real server.
      expect(await untilUsable(w, 30_000), 'online after the fuzzer').toBe(true);
      expect(await arrives(w, 'after the fuzzer'), 'a message arrives after the fuzzer').toBe(true);
      const conv = await w.alice.must('chat:open', { accountId: w.accountId as never, peer: `bob@${w.server.domain}` });
      await w.alice.must('chat:set-encryption', { conversationId: conv.id, mode: 'plain' });
      await w.alice.must('chat:send', { conversationId: conv.id, body: 'alice is fine' });
      const until = Date.now() + ARRIVAL_MS;
      while (!w.bobInbox.includes('alice is fine') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      expect(w.bobInbox, 'the contact received the account’s message').toContain('alice is fine');
      totals.peakRssMb = Math.max(totals.peakRssMb, w.alice.peakRssMb());

      expect({ uncaught: w.alice.uncaught, problems }, 'uncaught exceptions in the core, and probes that did not arrive').toEqual({
        uncaught: [],
        problems: [],
      });
      expect(totals.stanzas).toBe(N);
      expect(totals.peakRssMb).toBeLessThanOrEqual(PEAK_RSS_LIMIT_MB);
    } finally {
      totals.uncaught = Math.max(totals.uncaught, w.alice.uncaught.length);
      await w.alice.stop();
      await closeClient(w.bob).catch(() => {});
      await w.proxy.close();
      await w.server.stop();
      await rm(w.profile, { recursive: true, force: true });
    }
  },
  120_000 + N * 100,
);
