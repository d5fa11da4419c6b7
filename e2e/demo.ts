// `npm run demo`: a private Prosody on this machine with two demo accounts, Vireo signed in as one
// of them in your browser, and the other one ("Bob") answering — try Vireo without an account anywhere.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startProsody } from './fixtures/prosody.js';
import { startTestCore } from './fixtures/core-harness.js';
import { runBrowserHost } from '../electron/host-web/cli.js';
import type { MessageView } from '../shared/views.js';

const server = await startProsody();
await server.register('alice', 'alice-demo');
await server.register('bob', 'bob-demo');
const manual = { host: '127.0.0.1', port: server.c2sPort };
const pin = server.cert.fingerprint256;

// Bob: a Vireo core without a window that accepts Alice and answers her.
const bob = await startTestCore();
const bobAccount = await bob.must('accounts:add', { jid: `bob@${server.domain}`, password: 'bob-demo', manual, pinnedCertificate: pin });
await bob.waitForEvent('connection:state', (s) => s.status === 'online');
bob.core.events.subscribe((name, payload) => {
  if (name === 'roster:requests') {
    for (const r of (payload as { requests: { jid: string }[] }).requests)
      void bob.call('roster:accept', { accountId: bobAccount.id, jid: r.jid });
  }
  if (name === 'message:added') {
    for (const m of payload as MessageView[]) {
      if (m.direction === 'in') void bob.call('chat:send', { conversationId: m.conversationId, body: `Bob here. You said: “${m.body}”` });
    }
  }
});

// Alice: the profile the browser opens, already signed in, with Bob as a contact.
const profileDir = await mkdtemp(path.join(os.tmpdir(), 'vireo-demo-'));
const setup = await startTestCore({ profileDir });
const alice = await setup.must('accounts:add', { jid: `alice@${server.domain}`, password: 'alice-demo', manual, pinnedCertificate: pin });
await setup.waitForEvent('connection:state', (s) => s.status === 'online');
await setup.must('roster:add', { accountId: alice.id, jid: `bob@${server.domain}`, name: 'Bob (demo)' });
await setup.waitForEvent('roster:changed', (e) => e.contacts.some((c) => c.subscription === 'both'), 15_000).catch(() => {});
// A demo room with Bob in it: Alice's Vireo rejoins it at every start.
const lounge = `lounge@${server.mucDomain}`;
const bobInLounge = await bob.must('rooms:join', { accountId: bobAccount.id, room: lounge, nick: 'Bob' });
await bob.must('chat:send', { conversationId: bobInLounge.conversationId, body: 'Welcome to the demo room!' });
await setup.must('rooms:join', { accountId: alice.id, room: lounge, nick: 'alice' });
await setup.stop({ keepProfile: true });

const host = await runBrowserHost({ profileDir, secretBackend: 'plain-file' });
console.log(`
Vireo demo is running on this machine only.
  Open: ${host.url}
  Signed in as alice@${server.domain}; write to "Bob (demo)" and he answers. The room ${lounge} is joined.
  A second account to try with another profile: bob@${server.domain} / bob-demo
  (server 127.0.0.1 port ${server.c2sPort}; its certificate is self-signed, fingerprint ${pin})
  Profile: ${profileDir}
Press Ctrl+C to stop; the demo server and profile are removed.`);
if (process.env.DISPLAY || process.env.WAYLAND_DISPLAY) {
  spawn('xdg-open', [host.url], { stdio: 'ignore', detached: true })
    .on('error', () => {})
    .unref();
}

const stop = async () => {
  await host.stop();
  await bob.stop();
  await server.stop();
  await rm(profileDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
