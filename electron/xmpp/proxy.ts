// Reaching the server through an HTTP proxy (DESIGN.md "Connections": locked-down networks where only
// HTTPS goes out, through the company's proxy). The proxy is asked for a tunnel with CONNECT
// (RFC 9110 §9.3.6); TLS then runs end to end through it, so the certificate is still checked against
// the server's name and the proxy sees only ciphertext. Used for Direct TLS, WebSocket and the
// XEP-0156 host-meta look-up: what such proxies let through (port 443). STARTTLS (5222) goes direct.
//
// Where the proxy comes from: HTTPS_PROXY / ALL_PROXY (with NO_PROXY), as curl and most tools read
// them, else the system's settings (Electron's session.resolveProxy, a PAC file included).
import net from 'node:net';
import { XmppFailure } from './errors.js';

export interface HttpProxy {
  host: string;
  port: number;
  username?: string;
  password?: string;
}

/** `host:port` of a proxy, for what the user is shown (never its password). */
export const proxyLabel = (p: HttpProxy) => `${p.host.includes(':') ? `[${p.host}]` : p.host}:${p.port}`;

/** `http://[user:password@]host[:port]`; undefined for anything else (https:// and socks proxies are not supported). */
export function parseProxyUrl(value: string | undefined): HttpProxy | undefined {
  if (!value?.trim()) return undefined;
  let u: URL;
  try {
    u = new URL(value.includes('://') ? value.trim() : `http://${value.trim()}`);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'http:' || !u.hostname) return undefined;
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 80,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
  };
}

/** NO_PROXY as curl reads it: `*`, or names and domain suffixes (`example.org`, `.example.org`), comma separated. */
export function bypassesProxy(host: string, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return noProxy.split(/[,\s]+/).filter(Boolean).some((entry) => {
    // `host:port`, `[v6]:port`, a bare IPv6 address (several colons: no port to strip).
    const lower = entry.toLowerCase();
    const e = lower.startsWith('[') ? lower.replace(/^\[|\](:\d+)?$/g, '') : (lower.match(/:/g) ?? []).length === 1 ? lower.replace(/:\d+$/, '') : lower;
    if (e === '*') return true;
    const bare = e.replace(/^\*?\./, '');
    return h === bare || h.endsWith(`.${bare}`);
  });
}

/** Whether the environment names a proxy at all (then it decides, NO_PROXY included, not the system's settings). */
export const proxyEnvSet = (env: NodeJS.ProcessEnv = process.env): boolean =>
  !!(env.HTTPS_PROXY ?? env.https_proxy ?? env.ALL_PROXY ?? env.all_proxy);

/** The proxy the environment names for a TLS connection to `host` (HTTPS_PROXY, then ALL_PROXY; NO_PROXY honoured). */
export function proxyFromEnv(host: string, env: NodeJS.ProcessEnv = process.env): HttpProxy | undefined {
  if (bypassesProxy(host, env.NO_PROXY ?? env.no_proxy)) return undefined;
  return parseProxyUrl(env.HTTPS_PROXY ?? env.https_proxy ?? env.ALL_PROXY ?? env.all_proxy);
}

/**
 * The first usable entry of a PAC-style answer, as Electron's session.resolveProxy gives it:
 * `"PROXY host:port; DIRECT"`. DIRECT (or nothing usable: SOCKS, HTTPS proxies) means no proxy.
 */
export function parseProxyRules(rules: string): HttpProxy | undefined {
  for (const rule of rules.split(';')) {
    const [kind, address] = rule.trim().split(/\s+/);
    if (kind?.toUpperCase() === 'DIRECT') return undefined;
    if (kind?.toUpperCase() === 'PROXY' && address) return parseProxyUrl(`http://${address}`);
  }
  return undefined;
}

const statusText = (line: string) => line.replace(/^HTTP\/\d(\.\d)?\s+/, '').trim();

/**
 * A TCP connection to `host:port` through the proxy: CONNECT, then the raw tunnel. Fails with an
 * XmppFailure in words: the proxy cannot be reached, wants a (different) password, or refuses.
 */
export function tunnel(proxy: HttpProxy, host: string, port: number, timeoutMs = 15_000): Promise<net.Socket> {
  const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const via = proxyLabel(proxy);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: proxy.host, port: proxy.port });
    socket.setNoDelay(true);
    let head = Buffer.alloc(0);
    const fail = (err: XmppFailure) => {
      socket.destroy();
      reject(err);
    };
    socket.setTimeout(timeoutMs, () => fail(new XmppFailure('proxy-unreachable', `the proxy ${via} did not answer in time`)));
    socket.once('error', (e: NodeJS.ErrnoException) => fail(new XmppFailure('proxy-unreachable', `the proxy ${via} could not be reached (${e.code ?? e.message})`)));
    socket.once('connect', () => {
      const auth = proxy.username !== undefined
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
      if (status === 407) return fail(new XmppFailure('proxy-auth-required', `the proxy ${via} ${proxy.username !== undefined ? 'did not accept the user name and password' : 'asks for a user name and password'} (${statusText(statusLine)})`));
      if (!(status >= 200 && status < 300)) return fail(new XmppFailure('proxy-refused', `the proxy ${via} refused to connect to ${target} (${statusText(statusLine) || 'no answer'})`));
      // Bytes after the answer belong to the tunnel (a server that speaks first; never TLS or XMPP,
      // where the client speaks first). Held until the caller reads: it resumes the socket.
      const rest = head.subarray(end + 4);
      if (rest.length) {
        socket.pause();
        socket.unshift(rest);
      }
      socket.setTimeout(0);
      socket.removeAllListeners('error');
      resolve(socket);
    };
    socket.on('data', onData);
  });
}
