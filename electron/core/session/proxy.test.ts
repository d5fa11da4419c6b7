// Signing in through an HTTP proxy, as on a locked-down laptop whose network lets only the company's
// proxy out: a real proxy process (e2e/fixtures/http-proxy.ts) in front of a real Prosody. WebSocket
// and Direct TLS go through the tunnel, the certificate is still checked end to end, the account shows
// which proxy it uses, and a proxy that wants a password or refuses the port is said in words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProsody, type ProsodyServer } from '../../../e2e/fixtures/prosody.js';
import { startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';
import { startHttpProxy, startSocksProxy, type TestProxy } from '../../../e2e/fixtures/http-proxy.js';
import { parseProxyUrl } from '../../xmpp/proxy.js';
import type { BareJid } from '../../../shared/ids.js';

let server: ProsodyServer;
const cores: TestCore[] = [];
const proxies: TestProxy[] = [];

beforeAll(async () => {
  server = await startProsody();
  for (const u of ['alice', 'bob', 'carol', 'dave', 'erin', 'frank']) await server.register(u, `${u}-pw`);
}, 60_000);

afterAll(async () => {
  for (const c of cores) await c.stop().catch(() => {});
  for (const p of proxies) await p.stop();
  await server?.stop();
});

async function coreVia(proxyUrl: string) {
  const t = await startTestCore({ proxyFor: async () => parseProxyUrl(proxyUrl) });
  cores.push(t);
  return t;
}
async function proxy(opts: Parameters<typeof startHttpProxy>[0], start = startHttpProxy) {
  const p = await start(opts);
  proxies.push(p);
  return p;
}
const input = (user: string, manual: Record<string, unknown>) => ({
  jid: `${user}@${server.domain}` as BareJid,
  password: `${user}-pw`,
  manual,
  pinnedCertificate: server.cert.fingerprint256,
});
const add = (t: TestCore, user: string, manual: Record<string, unknown>) => t.must('accounts:add', input(user, manual));

describe('through an HTTP proxy', () => {
  it('WebSocket and Direct TLS go through the proxy’s tunnel, and the account says which proxy', async () => {
    const wsPort = Number(new URL(server.websocketUrl).port);
    const p = await proxy({ auth: { user: 'staff', password: 'pass word' }, allowPorts: [wsPort, server.directTlsPort] });
    const t = await coreVia(`http://staff:pass%20word@127.0.0.1:${p.port}`);

    const ws = await add(t, 'alice', { websocketUrl: server.websocketUrl });
    const online = await t.waitForEvent('connection:state', (s) => s.accountId === ws.id && s.status === 'online', 20_000);
    expect(online.endpoint).toMatchObject({ transport: 'websocket', proxy: `127.0.0.1:${p.port}` });
    const tls = await add(t, 'bob', { host: '127.0.0.1', port: server.directTlsPort, transport: 'direct-tls' });
    const online2 = await t.waitForEvent('connection:state', (s) => s.accountId === tls.id && s.status === 'online', 20_000);
    expect(online2.endpoint).toMatchObject({ transport: 'direct-tls', proxy: `127.0.0.1:${p.port}` });
    expect(p.connects).toEqual(expect.arrayContaining([`127.0.0.1:${wsPort}`, `127.0.0.1:${server.directTlsPort}`]));

    // Working sessions: Alice (WebSocket) writes to Bob (Direct TLS), both through the proxy.
    const conv = await t.must('chat:open', { accountId: ws.id, peer: `bob@${server.domain}` as BareJid });
    const mark = t.mark();
    await t.must('chat:send', { conversationId: conv.id, body: 'through the proxy' });
    await t.waitForEvent('message:added', (ms) => ms.some((m) => m.body === 'through the proxy' && m.direction === 'in'), 20_000, mark);

    // The certificate is still checked end to end: the proxy does not make the test server's
    // self-signed certificate acceptable without the user's pin.
    const { pinnedCertificate: _, ...unpinned } = input('carol', { websocketUrl: server.websocketUrl });
    expect(await t.call('accounts:add', unpinned)).toMatchObject({ ok: false, error: { code: 'certificate-invalid' } });
  }, 60_000);

  it('a proxy that wants a password Vireo does not have is said in words, not as an unreachable server', async () => {
    const p = await proxy({ auth: { user: 'staff', password: 'secret' } });
    const t = await coreVia(`http://127.0.0.1:${p.port}`);
    // Adding the account signs in: the form gets the reason.
    const r = await t.call('accounts:add', input('carol', { websocketUrl: server.websocketUrl }));
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'proxy-auth-required',
        detail: expect.stringMatching(/the proxy 127\.0\.0\.1:\d+ asks for a user name and password \(407/),
      },
    });
  }, 60_000);

  it('a proxy that lets only HTTPS out refuses a Direct TLS port: said in words', async () => {
    const p = await proxy({ allowPorts: [443] });
    const t = await coreVia(`http://127.0.0.1:${p.port}`);
    const r = await t.call('accounts:add', input('dave', { host: '127.0.0.1', port: server.directTlsPort, transport: 'direct-tls' }));
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'proxy-refused',
        detail: `the proxy 127.0.0.1:${p.port} refused to connect to 127.0.0.1:${server.directTlsPort} (403 Forbidden)`,
      },
    });
    expect(p.connects).toContain(`127.0.0.1:${server.directTlsPort}`);
  }, 60_000);

  it('a SOCKS5 proxy (ALL_PROXY=socks5://…, or the system’s SOCKS5 setting) carries WebSocket and STARTTLS', async () => {
    const wsPort = Number(new URL(server.websocketUrl).port);
    const p = await proxy({ auth: { user: 'staff', password: 'pw' }, allowPorts: [wsPort, server.c2sPort] }, startSocksProxy);
    const t = await coreVia(`socks5h://staff:pw@127.0.0.1:${p.port}`);
    const acc = await add(t, 'erin', { websocketUrl: server.websocketUrl });
    const online = await t.waitForEvent('connection:state', (s) => s.accountId === acc.id && s.status === 'online', 20_000);
    expect(online.endpoint).toMatchObject({ transport: 'websocket', proxy: `127.0.0.1:${p.port}` });
    // STARTTLS too: the plain stream runs in the tunnel, and TLS is started inside it.
    const plain = await add(t, 'frank', { host: '127.0.0.1', port: server.c2sPort, transport: 'starttls' });
    const online2 = await t.waitForEvent('connection:state', (s) => s.accountId === plain.id && s.status === 'online', 20_000);
    expect(online2.endpoint).toMatchObject({ transport: 'starttls', proxy: `127.0.0.1:${p.port}` });
    expect(p.connects).toEqual(expect.arrayContaining([`127.0.0.1:${wsPort}`, `127.0.0.1:${server.c2sPort}`]));
    // A working session over it: Frank writes to Erin.
    const conv = await t.must('chat:open', { accountId: plain.id, peer: `erin@${server.domain}` as BareJid });
    const mark = t.mark();
    await t.must('chat:send', { conversationId: conv.id, body: 'starttls in a socks tunnel' });
    await t.waitForEvent(
      'message:added',
      (ms) => ms.some((m) => m.body === 'starttls in a socks tunnel' && m.direction === 'in'),
      20_000,
      mark,
    );
  }, 60_000);
});
