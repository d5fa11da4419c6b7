// The connection discovery chain (ARCHITECTURE.md "Connections"): the remembered winner first, then SRV
// `_xmpps-client` (Direct TLS) → SRV `_xmpp-client` (STARTTLS) → XEP-0156 WebSocket → domain:5222.
// A manual setting replaces the chain entirely.
import { promises as dns } from 'node:dns';
import https from 'node:https';
import tls from 'node:tls';
import type net from 'node:net';
import { tunnel, type ProxyServer } from './proxy.js';
import type { EndpointView, TransportKind } from '../../shared/views.js';
import { hostMetaUrl, parseHostMetaJson, parseHostMetaXrd } from './xep/0156-host-meta.js';

/** Whichever form the document is in. */
const parseHostMeta = (text: string) => (text.trimStart().startsWith('{') ? parseHostMetaJson(text) : parseHostMetaXrd(text));
import { orderSrv, SRV_DIRECT_TLS, SRV_STARTTLS, type SrvRecord } from './xep/0368-srv.js';

export interface Candidate {
  service: string;
  view: EndpointView;
}
export interface ManualEndpoint {
  host?: string;
  port?: number;
  transport?: TransportKind;
  websocketUrl?: string;
}

export interface DiscoveryDeps {
  resolveSrv(name: string): Promise<SrvRecord[]>;
  fetchHostMeta(domain: string): Promise<string | undefined>;
}

const hostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

export function candidateFor(transport: TransportKind, address: string, source: EndpointView['source']): Candidate {
  const service = transport === 'websocket' ? address : `${transport === 'direct-tls' ? 'xmpps' : 'xmpp'}://${address}`;
  return { service, view: { transport, address, source } };
}

export function manualCandidates(domain: string, m: ManualEndpoint): Candidate[] {
  if (m.websocketUrl || m.transport === 'websocket') {
    return [candidateFor('websocket', m.websocketUrl ?? `wss://${m.host ?? domain}${m.port ? `:${m.port}` : ''}/xmpp-websocket`, 'manual')];
  }
  const transport = m.transport ?? (m.port === 5223 || m.port === 443 ? 'direct-tls' : 'starttls');
  return [candidateFor(transport, hostPort(m.host ?? domain, m.port ?? (transport === 'direct-tls' ? 5223 : 5222)), 'manual')];
}

/** Each step is bounded; a failing lookup just moves on to the next method. */
async function bounded<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p.catch(() => fallback), new Promise<T>((r) => (timer = setTimeout(() => r(fallback), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

export async function discoverCandidates(
  domain: string,
  opts: { manual?: ManualEndpoint; remembered?: EndpointView; deps?: DiscoveryDeps; stepTimeoutMs?: number },
): Promise<Candidate[]> {
  if (opts.manual && Object.keys(opts.manual).length > 0) return manualCandidates(domain, opts.manual);
  const deps = opts.deps ?? defaultDiscoveryDeps;
  const ms = opts.stepTimeoutMs ?? 3000;
  const [direct, starttls, hostMeta] = await Promise.all([
    bounded(deps.resolveSrv(SRV_DIRECT_TLS(domain)), ms, []),
    bounded(deps.resolveSrv(SRV_STARTTLS(domain)), ms, []),
    bounded(deps.fetchHostMeta(domain), ms, undefined),
  ]);
  const out: Candidate[] = [];
  for (const r of orderSrv(direct)) out.push(candidateFor('direct-tls', hostPort(r.name, r.port), 'srv-xmpps'));
  for (const r of orderSrv(starttls)) out.push(candidateFor('starttls', hostPort(r.name, r.port), 'srv-xmpp'));
  for (const url of hostMeta ? parseHostMeta(hostMeta) : []) out.push(candidateFor('websocket', url, 'host-meta'));
  out.push(candidateFor('starttls', hostPort(domain, 5222), 'fallback'));
  // The remembered winner goes first, if it is still among what discovery found.
  if (opts.remembered) {
    const i = out.findIndex((c) => c.view.transport === opts.remembered!.transport && c.view.address === opts.remembered!.address);
    if (i > 0) out.unshift(...out.splice(i, 1));
  }
  return out;
}

/** Discovery over the network; the host-meta document is fetched through the proxy when there is one. */
export function createDiscoveryDeps(proxyFor?: (url: string) => Promise<ProxyServer | undefined>): DiscoveryDeps {
  return {
    async resolveSrv(name) {
      return (await dns.resolveSrv(name)).map((r) => ({ name: r.name, port: r.port, priority: r.priority, weight: r.weight }));
    },
    async fetchHostMeta(domain) {
      // The JSON form first (smaller, what Prosody and ejabberd serve), then the XRD form (§3.1).
      const get = async (url: string) => fetchText(url, await proxyFor?.(url).catch(() => undefined));
      return (await get(hostMetaUrl(domain, 'json'))) ?? (await get(hostMetaUrl(domain, 'xrd')));
    },
  };
}

export const defaultDiscoveryDeps: DiscoveryDeps = createDiscoveryDeps();

/**
 * GET over HTTPS with Node's default certificate validation for the domain (through a CONNECT tunnel
 * when a proxy is given); undefined on any failure.
 */
function fetchText(url: string, proxy?: ProxyServer): Promise<string | undefined> {
  return new Promise((resolve) => {
    const viaProxy = proxy && {
      createConnection: (
        opts: tls.ConnectionOptions & { host: string; port: number },
        done: (err: Error | null, s?: net.Socket) => void,
      ) => {
        tunnel(proxy, opts.host, Number(opts.port) || 443, 3000).then(
          (raw) => done(null, tls.connect({ ...opts, socket: raw, servername: opts.host })),
          (err: Error) => done(err),
        );
        return undefined;
      },
    };
    const req = https.get(url, { timeout: 3000, ...(viaProxy as object) }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        return resolve(undefined);
      }
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
        if (body.length > 65_536) req.destroy();
      });
      res.on('end', () => resolve(body));
    });
    req.on('error', () => resolve(undefined));
    req.on('timeout', () => req.destroy());
  });
}
