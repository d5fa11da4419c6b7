// `npm run bench:catchup [N]`: fills alice's archive with N messages (default 10,000) while her
// Vireo is off, then measures Vireo's catch-up (sign-in → every message stored and the UI event
// stream done) against a bare @xmpp/client session that only pages the same archive, in one run.
// Ends with: catchup messages=N vireo_s=… bare_s=… ratio=…
import { randomUUID } from 'node:crypto';
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { startProsody } from '../e2e/fixtures/prosody.js';
import { startTestCore } from '../e2e/fixtures/core-harness.js';
import { closeClient, createXmppClient, startClient } from '../electron/xmpp/client.js';
import { buildMamQuery, NS_MAM, parseMamFin } from '../electron/xmpp/xep/0313-mam.js';
import type { MessageView } from '../shared/views.js';

const N = Number(process.argv[2] ?? process.env.BENCH_N ?? 10_000);
// Without offline storage the missed messages come back only through the archive — the path measured.
const server = await startProsody({ noOfflineStorage: true });
try {
  await server.register('alice', 'a-pw');
  await server.register('bob', 'b-pw');
  const service = `xmpp://127.0.0.1:${server.c2sPort}`;
  const pin = server.cert.fingerprint256;

  // Alice signs in once (so her archive pointer is set), then goes offline.
  let alice = await startTestCore();
  const acc = await alice.must('accounts:add', {
    jid: `alice@${server.domain}`,
    password: 'a-pw',
    manual: { host: '127.0.0.1', port: server.c2sPort },
    pinnedCertificate: pin,
  });
  await alice.waitForEvent('sync:state', (s) => s.phase === 'synced', 20_000);
  const profileDir = alice.profileDir;
  await alice.stop({ keepProfile: true });

  // Bob fills the archive.
  const bob = createXmppClient({ jid: `bob@${server.domain}`, password: 'b-pw', resource: 'filler', service, pinned: pin });
  bob.on('error', () => {});
  await startClient(bob);
  const fillStart = Date.now();
  for (let i = 0; i < N; i++) {
    await bob.send(
      xml(
        'message',
        { to: `alice@${server.domain}`, type: 'chat', id: `m${i}` },
        xml('body', {}, `message ${i}`),
        xml('origin-id', { xmlns: 'urn:xmpp:sid:0', id: `m${i}` }),
      ),
    );
    if (i % 500 === 499)
      await bob.iqCaller.request(xml('iq', { type: 'get', to: server.domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })), 60_000);
  }
  await bob.iqCaller.request(xml('iq', { type: 'get', to: server.domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })), 60_000);
  await closeClient(bob);
  console.log(`filled the archive with ${N} messages in ${((Date.now() - fillStart) / 1000).toFixed(1)} s`);

  // Bare: a plain session paging the same part of the archive, results only counted.
  const bareStart = process.hrtime.bigint();
  const bare = createXmppClient({ jid: `alice@${server.domain}`, password: 'a-pw', resource: 'bare', service, pinned: pin });
  bare.on('error', () => {});
  await startClient(bare);
  let bareCount = 0;
  let after: string | undefined;
  for (;;) {
    const queryId = randomUUID();
    let last: string | undefined;
    const onStanza = (el: Element) => {
      const r = el.getChild('result', NS_MAM);
      if (r?.attrs.queryid === queryId) {
        bareCount++;
        last = r.attrs.id as string;
      }
    };
    bare.on('stanza', onStanza);
    const iq = await bare.iqCaller.request(
      xml('iq', { type: 'set' }, buildMamQuery({ queryId, max: 250, ...(after ? { after } : { start: fillStart - 1000 }) })),
      60_000,
    );
    bare.off('stanza', onStanza);
    after = last;
    if (parseMamFin(iq)?.complete || !last) break;
  }
  const bareS = Number(process.hrtime.bigint() - bareStart) / 1e9;
  await closeClient(bare);

  // Vireo: the same profile comes back; catch-up from its stored pointer.
  const vireoStart = process.hrtime.bigint();
  alice = await startTestCore({ profileDir, start: false });
  let stored = 0;
  let catchUpStartS = 0;
  alice.core.events.subscribe((name, payload) => {
    if (name === 'message:added') stored += (payload as MessageView[]).length;
    if (name === 'sync:state' && !catchUpStartS) catchUpStartS = Number(process.hrtime.bigint() - vireoStart) / 1e9;
  });
  await alice.core.start();
  const synced = await alice.waitForEvent('sync:state', (s) => s.accountId === acc.id && s.phase === 'synced', 600_000);
  const vireoS = Number(process.hrtime.bigint() - vireoStart) / 1e9;
  const conv = (await alice.must('chats:list', {})).find((c) => c.peer === `bob@${server.domain}`);
  await alice.stop();

  console.log(`bare: ${bareCount} results paged in ${bareS.toFixed(2)} s`);
  console.log(
    `vireo: ${synced.fetched} fetched, ${stored} stored and announced in ${vireoS.toFixed(2)} s (chat shows ${conv?.unread ?? 0} unread); sign-in and set-up before the catch-up started: ${catchUpStartS.toFixed(2)} s`,
  );
  if (stored !== N || bareCount !== N) console.log(`WARNING: expected ${N} messages, vireo stored ${stored}, bare paged ${bareCount}`);
  console.log(`catchup messages=${N} vireo_s=${vireoS.toFixed(2)} bare_s=${bareS.toFixed(2)} ratio=${(vireoS / bareS).toFixed(2)}`);
} finally {
  await server.stop();
}
