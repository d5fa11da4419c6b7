// The HTTP proxy path (proxy.ts): where the proxy comes from, and the CONNECT tunnel against a real
// proxy process (e2e/fixtures/http-proxy.ts) in front of a real TCP server: through, and each way it
// fails, in words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import { bypassesProxy, parseProxyRules, parseProxyUrl, proxyFromEnv, proxyLabel, tunnel } from './proxy.js';
import { startHttpProxy, startSocksProxy, type TestProxy } from '../../e2e/fixtures/http-proxy.js';
import { XmppFailure } from './errors.js';

describe('where the proxy comes from', () => {
  it('reads http:// proxy addresses, with credentials, and nothing else', () => {
    expect(parseProxyUrl('http://proxy.corp:3128')).toEqual({ host: 'proxy.corp', port: 3128 });
    expect(parseProxyUrl('proxy.corp:8080')).toEqual({ host: 'proxy.corp', port: 8080 });
    expect(parseProxyUrl('http://j%40doe:p%3Ass@[::1]:3128/')).toEqual({ host: '::1', port: 3128, username: 'j@doe', password: 'p:ss' });
    expect(parseProxyUrl('http://proxy.corp')).toEqual({ host: 'proxy.corp', port: 80 });
    expect(parseProxyUrl('socks5://proxy:1081')).toEqual({ kind: 'socks5', host: 'proxy', port: 1081 });
    expect(parseProxyUrl('socks5h://u:p@proxy')).toEqual({ kind: 'socks5', host: 'proxy', port: 1080, username: 'u', password: 'p' });
    for (const v of ['socks4://proxy:1080', 'https://proxy:443', '', '   ', undefined, 'http://'])
      expect(parseProxyUrl(v), String(v)).toBeUndefined();
    expect(proxyLabel({ host: '::1', port: 3128, password: 'secret' })).toBe('[::1]:3128');
  });

  it('takes HTTPS_PROXY, then ALL_PROXY, and honours NO_PROXY', () => {
    expect(proxyFromEnv('chat.example.org', { HTTPS_PROXY: 'http://p:1', ALL_PROXY: 'http://q:2' })).toEqual({ host: 'p', port: 1 });
    expect(proxyFromEnv('chat.example.org', { https_proxy: 'http://p:1' })).toEqual({ host: 'p', port: 1 });
    expect(proxyFromEnv('chat.example.org', { all_proxy: 'http://q:2' })).toEqual({ host: 'q', port: 2 });
    expect(proxyFromEnv('chat.example.org', {})).toBeUndefined();
    expect(proxyFromEnv('chat.example.org', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'localhost,.example.org' })).toBeUndefined();
    expect(proxyFromEnv('example.org', { HTTPS_PROXY: 'http://p:1', no_proxy: 'example.org' })).toBeUndefined();
    expect(proxyFromEnv('notexample.org', { HTTPS_PROXY: 'http://p:1', NO_PROXY: 'example.org' })).toEqual({ host: 'p', port: 1 });
    expect(bypassesProxy('anything', '*')).toBe(true);
    expect(bypassesProxy('[::1]', '::1')).toBe(true);
    expect(bypassesProxy('::1', '[::1]:5222')).toBe(true);
    expect(bypassesProxy('chat.example.org', 'chat.example.org:443')).toBe(true);
  });

  it('reads the system’s answer (PAC style): the first PROXY, or none for DIRECT', () => {
    expect(parseProxyRules('PROXY proxy.corp:3128; DIRECT')).toEqual({ host: 'proxy.corp', port: 3128 });
    expect(parseProxyRules('DIRECT')).toBeUndefined();
    expect(parseProxyRules('SOCKS5 s:1080; PROXY p:8080')).toEqual({ kind: 'socks5', host: 's', port: 1080 });
    expect(parseProxyRules('SOCKS s:1080; PROXY p:8080')).toEqual({ host: 'p', port: 8080 });
    expect(parseProxyRules('')).toBeUndefined();
  });
});

describe('a CONNECT tunnel through a real proxy', () => {
  let upstream: net.Server;
  let upstreamPort: number;
  const proxies: TestProxy[] = [];
  beforeAll(async () => {
    // A server that greets first, to check nothing sent through the tunnel is lost or mangled.
    upstream = net.createServer((s) => {
      s.write('hello ');
      s.on('data', (d) => s.write(d));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    upstreamPort = (upstream.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const p of proxies) await p.stop();
    await new Promise<void>((r) => upstream.close(() => r()));
  });
  const proxy = async (opts: Parameters<typeof startHttpProxy>[0] = {}) => {
    const p = await startHttpProxy(opts);
    proxies.push(p);
    return p;
  };
  /** The server's greeting and an echo come back through the tunnel, byte for byte. */
  async function roundTrip(s: net.Socket) {
    let got = '';
    s.on('data', (d) => (got += d.toString()));
    s.resume();
    s.write('ping');
    await expect.poll(() => got).toBe('hello ping');
    s.destroy();
  }
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as XmppFailure,
    );

  it('carries bytes both ways, with the proxy’s credentials when it wants them', async () => {
    const p = await proxy({ auth: { user: 'j@doe', password: 'pa:ss' } });
    await roundTrip(await tunnel({ host: '127.0.0.1', port: p.port, username: 'j@doe', password: 'pa:ss' }, '127.0.0.1', upstreamPort));
    expect(p.connects).toEqual([`127.0.0.1:${upstreamPort}`]);
  });

  it('says when the proxy wants a password, or does not take the one given', async () => {
    const p = await proxy({ auth: { user: 'u', password: 'right' } });
    const none = await failure(tunnel({ host: '127.0.0.1', port: p.port }, '127.0.0.1', upstreamPort));
    expect(none).toMatchObject({
      code: 'proxy-auth-required',
      message: expect.stringMatching(/asks for a user name and password \(407 Proxy Authentication Required\)/),
    });
    const wrong = await failure(tunnel({ host: '127.0.0.1', port: p.port, username: 'u', password: 'wrong' }, '127.0.0.1', upstreamPort));
    expect(wrong).toMatchObject({
      code: 'proxy-auth-required',
      message: expect.stringMatching(/did not accept the user name and password/),
    });
  });

  it('says when the proxy refuses the destination (a firewall that allows only 443), or cannot be reached', async () => {
    const p = await proxy({ allowPorts: [443] });
    const refused = await failure(tunnel({ host: '127.0.0.1', port: p.port }, '127.0.0.1', upstreamPort));
    expect(refused).toMatchObject({
      code: 'proxy-refused',
      message: `the proxy 127.0.0.1:${p.port} refused to connect to 127.0.0.1:${upstreamPort} (403 Forbidden)`,
    });
    // A port nobody listens on.
    const closed = await new Promise<number>((r) => {
      const srv = net.createServer().listen(0, '127.0.0.1', () => {
        const port = (srv.address() as net.AddressInfo).port;
        srv.close(() => r(port));
      });
    });
    const gone = await failure(tunnel({ host: '127.0.0.1', port: closed }, '127.0.0.1', upstreamPort));
    expect(gone).toMatchObject({
      code: 'proxy-unreachable',
      message: expect.stringMatching(new RegExp(`the proxy 127.0.0.1:${closed} could not be reached \\(ECONNREFUSED\\)`)),
    });
  });

  it('SOCKS5: carries bytes both ways, with and without a password; says when it refuses or wants one', async () => {
    const open = await startSocksProxy();
    proxies.push(open);
    await roundTrip(await tunnel({ kind: 'socks5', host: '127.0.0.1', port: open.port }, '127.0.0.1', upstreamPort));
    // By name: the proxy resolves it.
    const byName = await tunnel({ kind: 'socks5', host: '127.0.0.1', port: open.port }, 'localhost', upstreamPort);
    byName.destroy();
    expect(open.connects).toEqual([`127.0.0.1:${upstreamPort}`, `localhost:${upstreamPort}`]);

    const guarded = await startSocksProxy({ auth: { user: 'u', password: 'right' }, allowPorts: [443] });
    proxies.push(guarded);
    expect(await failure(tunnel({ kind: 'socks5', host: '127.0.0.1', port: guarded.port }, '127.0.0.1', upstreamPort))).toMatchObject({
      code: 'proxy-auth-required',
      message: expect.stringMatching(/asks for a user name and password/),
    });
    expect(
      await failure(
        tunnel({ kind: 'socks5', host: '127.0.0.1', port: guarded.port, username: 'u', password: 'wrong' }, '127.0.0.1', upstreamPort),
      ),
    ).toMatchObject({ code: 'proxy-auth-required', message: expect.stringMatching(/did not accept the user name and password/) });
    expect(
      await failure(
        tunnel({ kind: 'socks5', host: '127.0.0.1', port: guarded.port, username: 'u', password: 'right' }, '127.0.0.1', upstreamPort),
      ),
    ).toMatchObject({
      code: 'proxy-refused',
      message: `the proxy 127.0.0.1:${guarded.port} refused to connect to 127.0.0.1:${upstreamPort} (not allowed by its rules)`,
    });
  });
});
