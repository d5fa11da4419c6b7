// Reaching the server through a proxy (ARCHITECTURE.md "Connections": locked-down networks where only HTTPS
// goes out, through the company's proxy). An HTTP proxy is asked for a tunnel with CONNECT
// (RFC 9110 §9.3.6), a SOCKS5 proxy with its CONNECT command (RFC 1928, user/password RFC 1929; the
// proxy resolves the name, as socks5h). TLS then runs end to end through the tunnel, so the
// certificate is still checked against the server's name and the proxy sees only ciphertext. Used
// for every transport (WebSocket, Direct TLS, STARTTLS: the plain stream runs in the tunnel and TLS
// starts inside it) and for the XEP-0156 host-meta look-up. Going through the proxy for all of them
// also makes a firewalled attempt fail at once (the proxy refuses the port) instead of timing out.
//
// Where the proxy comes from: HTTPS_PROXY / ALL_PROXY (with NO_PROXY), as curl and most tools read
// them, else the system's settings (Electron's session.resolveProxy, a PAC file included).
import net from 'node:net';
import { XmppFailure } from './errors.js';

export interface ProxyServer {
  /** Absent: an HTTP proxy. */
  kind?: 'socks5';
  host: string;
  port: number;
  username?: string;
  password?: string;
}

/** `host:port` of a proxy, for what the user is shown (never its password). */
export const proxyLabel = (p: ProxyServer) => `${p.host.includes(':') ? `[${p.host}]` : p.host}:${p.port}`;

/**
 * `http://[user:password@]host[:port]` or `socks5://…` (`socks5h://`: the same, the proxy resolves
 * names, which Vireo always lets it do); undefined for anything else (https:// proxies, SOCKS4).
 */
export function parseProxyUrl(value: string | undefined): ProxyServer | undefined {
  if (!value?.trim()) return undefined;
  let u: URL;
  try {
    u = new URL(value.includes('://') ? value.trim() : `http://${value.trim()}`);
  } catch {
    return undefined;
  }
  const socks = u.protocol === 'socks5:' || u.protocol === 'socks5h:';
  if ((u.protocol !== 'http:' && !socks) || !u.hostname) return undefined;
  return {
    ...(socks ? { kind: 'socks5' as const } : {}),
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : socks ? 1080 : 80,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

/** NO_PROXY as curl reads it: `*`, or names and domain suffixes (`example.org`, `.example.org`), comma separated. */
export function bypassesProxy(host: string, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return noProxy
    .split(/[,\s]+/)
    .filter(Boolean)
    .some((entry) => {
      // `host:port`, `[v6]:port`, a bare IPv6 address (several colons: no port to strip).
      const lower = entry.toLowerCase();
      const e = lower.startsWith('[')
        ? lower.replace(/^\[|\](:\d+)?$/g, '')
        : (lower.match(/:/g) ?? []).length === 1
          ? lower.replace(/:\d+$/, '')
          : lower;
      if (e === '*') return true;
      const bare = e.replace(/^\*?\./, '');
      return h === bare || h.endsWith(`.${bare}`);
    });
}

/** Whether the environment names a proxy at all (then it decides, NO_PROXY included, not the system's settings). */
export const proxyEnvSet = (env: NodeJS.ProcessEnv = process.env): boolean =>
  !!(env.HTTPS_PROXY ?? env.https_proxy ?? env.ALL_PROXY ?? env.all_proxy);

/** The proxy the environment names for a TLS connection to `host` (HTTPS_PROXY, then ALL_PROXY; NO_PROXY honoured). */
export function proxyFromEnv(host: string, env: NodeJS.ProcessEnv = process.env): ProxyServer | undefined {
  if (bypassesProxy(host, env.NO_PROXY ?? env.no_proxy)) return undefined;
  return parseProxyUrl(env.HTTPS_PROXY ?? env.https_proxy ?? env.ALL_PROXY ?? env.all_proxy);
}

/**
 * The first usable entry of a PAC-style answer, as Electron's session.resolveProxy gives it:
 * `"PROXY host:port; DIRECT"`. DIRECT (or nothing usable: SOCKS, HTTPS proxies) means no proxy.
 */
export function parseProxyRules(rules: string): ProxyServer | undefined {
  for (const rule of rules.split(';')) {
    const [kind, address] = rule.trim().split(/\s+/);
    if (kind?.toUpperCase() === 'DIRECT') return undefined;
    if (kind?.toUpperCase() === 'PROXY' && address) return parseProxyUrl(`http://${address}`);
    if (kind?.toUpperCase() === 'SOCKS5' && address) return parseProxyUrl(`socks5://${address}`);
  }
  return undefined;
}

/**
 * Dials the proxy. `fail` ends the attempt with a reason in words; `opened` hands the tunnel over:
 * bytes that came after the proxy's answer (a server that speaks first; never TLS or XMPP, where the
 * client speaks first) stay for the caller, who resumes the socket; the proxy's timer and error
 * handling go.
 */
function dialProxy(proxy: ProxyServer, timeoutMs: number, resolve: (s: net.Socket) => void, reject: (e: Error) => void) {
  const via = proxyLabel(proxy);
  const socket = net.connect({ host: proxy.host, port: proxy.port });
  socket.setNoDelay(true);
  const fail = (err: XmppFailure) => {
    socket.destroy();
    reject(err);
  };
  socket.setTimeout(timeoutMs, () => fail(new XmppFailure('proxy-unreachable', `the proxy ${via} did not answer in time`)));
  socket.once('error', (e: NodeJS.ErrnoException) =>
    fail(new XmppFailure('proxy-unreachable', `the proxy ${via} could not be reached (${e.code ?? e.message})`)),
  );
  const opened = (rest: Buffer) => {
    if (rest.length) {
      socket.pause();
      socket.unshift(rest);
    }
    socket.setTimeout(0);
    socket.removeAllListeners('error');
    resolve(socket);
  };
  return { socket, via, fail, opened };
}

const statusText = (line: string) => line.replace(/^HTTP\/\d(\.\d)?\s+/, '').trim();

/**
 * A TCP connection to `host:port` through the proxy: CONNECT, then the raw tunnel. Fails with an
 * XmppFailure in words: the proxy cannot be reached, wants a (different) password, or refuses.
 */
export function tunnel(proxy: ProxyServer, host: string, port: number, timeoutMs = 15_000): Promise<net.Socket> {
  return proxy.kind === 'socks5' ? socks5Tunnel(proxy, host, port, timeoutMs) : httpTunnel(proxy, host, port, timeoutMs);
}

function httpTunnel(proxy: ProxyServer, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  return new Promise((resolve, reject) => {
    const { socket, via, fail, opened } = dialProxy(proxy, timeoutMs, resolve, reject);
    let head = Buffer.alloc(0);
    socket.once('connect', () => {
      const auth =
        proxy.username !== undefined
          ? `Proxy-Authorization: Basic ${Buffer.from(`${proxy.username}:${proxy.password ?? ''}`, 'utf8').toString('base64')}\r\n`
          : '';
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`);
    });
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) {
        if (head.length > 16_384) fail(new XmppFailure('proxy-refused', `the proxy ${via} sent an answer that is not HTTP`));
        return;
      }
      socket.off('data', onData);
      const statusLine = head.subarray(0, head.indexOf('\r\n')).toString('latin1');
      const status = Number(/^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(statusLine)?.[1]);
      if (status === 407)
        return fail(
          new XmppFailure(
            'proxy-auth-required',
            `the proxy ${via} ${proxy.username !== undefined ? 'did not accept the user name and password' : 'asks for a user name and password'} (${statusText(statusLine)})`,
          ),
        );
      if (!(status >= 200 && status < 300))
        return fail(
          new XmppFailure('proxy-refused', `the proxy ${via} refused to connect to ${target} (${statusText(statusLine) || 'no answer'})`),
        );
      opened(head.subarray(end + 4));
    };
    socket.on('data', onData);
  });
}

/** RFC 1928 §6 reply codes, in words. */
const SOCKS_REPLY: Record<number, string> = {
  1: 'general failure',
  2: 'not allowed by its rules',
  3: 'network unreachable',
  4: 'host unreachable',
  5: 'connection refused',
  6: 'timed out',
  7: 'command not supported',
  8: 'address type not supported',
};

function socks5Tunnel(proxy: ProxyServer, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const withAuth = proxy.username !== undefined;
  return new Promise((resolve, reject) => {
    const { socket, via, fail, opened } = dialProxy(proxy, timeoutMs, resolve, reject);
    let buf = Buffer.alloc(0);
    let step: 'method' | 'auth' | 'reply' = 'method';
    // §3: the methods we can do: none, and user/password when we have them.
    socket.once('connect', () => socket.write(Buffer.from(withAuth ? [5, 2, 0, 2] : [5, 1, 0])));
    const request = () => {
      // §4: CONNECT by name (the proxy resolves it) or by address.
      const v4 = net.isIPv4(host) ? Buffer.from(host.split('.').map(Number)) : undefined;
      const v6 = net.isIPv6(host) ? ipv6Bytes(host) : undefined;
      const name = Buffer.from(host, 'utf8');
      const addr = v4
        ? Buffer.concat([Buffer.of(1), v4])
        : v6
          ? Buffer.concat([Buffer.of(4), v6])
          : Buffer.concat([Buffer.of(3, name.length), name]);
      socket.write(Buffer.concat([Buffer.of(5, 1, 0), addr, Buffer.of(port >> 8, port & 0xff)]));
      step = 'reply';
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (step === 'method') {
        if (buf.length < 2) return;
        const method = buf[1]!;
        buf = buf.subarray(2);
        if (method === 0xff)
          return fail(
            new XmppFailure(
              withAuth ? 'proxy-refused' : 'proxy-auth-required',
              `the proxy ${via} ${withAuth ? 'accepts none of the ways Vireo can sign in to it' : 'asks for a user name and password'}`,
            ),
          );
        if (method === 2) {
          if (!withAuth) return fail(new XmppFailure('proxy-auth-required', `the proxy ${via} asks for a user name and password`));
          const u = Buffer.from(proxy.username ?? '', 'utf8');
          const p = Buffer.from(proxy.password ?? '', 'utf8');
          socket.write(Buffer.concat([Buffer.of(1, u.length), u, Buffer.of(p.length), p]));
          step = 'auth';
          return;
        }
        return request();
      }
      if (step === 'auth') {
        if (buf.length < 2) return;
        if (buf[1] !== 0) return fail(new XmppFailure('proxy-auth-required', `the proxy ${via} did not accept the user name and password`));
        buf = buf.subarray(2);
        return request();
      }
      // The reply: VER REP RSV ATYP BND.ADDR BND.PORT.
      if (buf.length < 5) return;
      const len = buf[3] === 1 ? 4 : buf[3] === 4 ? 16 : buf[3] === 3 ? 1 + buf[4]! : -1;
      if (len < 0) return fail(new XmppFailure('proxy-refused', `the proxy ${via} sent an answer that is not SOCKS5`));
      if (buf.length < 4 + len + 2) return;
      if (buf[1] !== 0)
        return fail(
          new XmppFailure(
            'proxy-refused',
            `the proxy ${via} refused to connect to ${target} (${SOCKS_REPLY[buf[1]!] ?? `code ${buf[1]}`})`,
          ),
        );
      socket.off('data', onData);
      opened(buf.subarray(4 + len + 2));
    };
    socket.on('data', onData);
  });
}

function ipv6Bytes(addr: string): Buffer {
  const [head, tail = ''] = addr.split('::');
  const parts = (s: string) => (s ? s.split(':') : []);
  const h = parts(head!);
  const t = parts(tail);
  const groups = addr.includes('::') ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t] : h;
  return Buffer.from(groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]));
}
