import { describe, expect, it } from 'vitest';
import { discoverCandidates, manualCandidates } from './discovery.js';
import { parseHostMetaJson, parseHostMetaXrd } from './xep/0156-host-meta.js';

const deps = (srv: Record<string, { name: string; port: number; priority: number; weight: number }[]>, hostMeta?: string) => ({
  resolveSrv: async (n: string) => {
    if (!srv[n]) throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    return srv[n]!;
  },
  fetchHostMeta: async () => hostMeta,
});

describe('discovery chain', () => {
  it('orders Direct TLS SRV, STARTTLS SRV, host-meta WebSocket, then domain:5222', async () => {
    const c = await discoverCandidates('example.org', {
      deps: deps(
        {
          '_xmpps-client._tcp.example.org': [{ name: 'tls.example.org', port: 443, priority: 5, weight: 0 }],
          '_xmpp-client._tcp.example.org': [
            { name: 'b.example.org', port: 5222, priority: 20, weight: 0 },
            { name: 'a.example.org', port: 5222, priority: 10, weight: 0 },
          ],
        },
        JSON.stringify({ links: [{ rel: 'urn:xmpp:alt-connections:websocket', href: 'wss://example.org/ws' }] }),
      ),
    });
    expect(c.map((x) => x.service)).toEqual([
      'xmpps://tls.example.org:443',
      'xmpp://a.example.org:5222',
      'xmpp://b.example.org:5222',
      'wss://example.org/ws',
      'xmpp://example.org:5222',
    ]);
    expect(c.map((x) => x.view.source)).toEqual(['srv-xmpps', 'srv-xmpp', 'srv-xmpp', 'host-meta', 'fallback']);
  });

  it('falls back to domain:5222 when DNS and host-meta give nothing, and tries the remembered winner first', async () => {
    const c = await discoverCandidates('example.org', {
      deps: deps({}, JSON.stringify({ links: [{ rel: 'urn:xmpp:alt-connections:websocket', href: 'wss://example.org/ws' }] })),
      remembered: { transport: 'websocket', address: 'wss://example.org/ws', source: 'host-meta' },
    });
    expect(c.map((x) => x.service)).toEqual(['wss://example.org/ws', 'xmpp://example.org:5222']);
  });

  it('uses only the manual endpoint when one is set', () => {
    expect(manualCandidates('example.org', { host: '127.0.0.1', port: 15222 }).map((c) => c.service)).toEqual(['xmpp://127.0.0.1:15222']);
    expect(manualCandidates('example.org', { host: 'h', port: 5223 }).map((c) => c.service)).toEqual(['xmpps://h:5223']);
    expect(manualCandidates('example.org', { websocketUrl: 'wss://h/ws' }).map((c) => c.service)).toEqual(['wss://h/ws']);
  });

  it('reads the XRD form of host-meta too', async () => {
    const xrd = `<?xml version='1.0' encoding='utf-8'?>
      <XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>
        <Link rel="urn:xmpp:alt-connections:xbosh" href="https://example.org/bosh"/>
        <Link rel="urn:xmpp:alt-connections:websocket" href="wss://ws.example.net/xmpp"/>
        <Link rel="urn:xmpp:alt-connections:websocket" href="ws://insecure.example/xmpp"/>
      </XRD>`;
    expect(parseHostMetaXrd(xrd)).toEqual(['wss://ws.example.net/xmpp']);
    const c = await discoverCandidates('example.org', { deps: deps({}, xrd) });
    expect(c.map((x) => x.service)).toEqual(['wss://ws.example.net/xmpp', 'xmpp://example.org:5222']);
    expect(parseHostMetaXrd('<not-xrd/>')).toEqual([]);
    expect(parseHostMetaXrd('<<<')).toEqual([]);
  });

  it('ignores insecure or malformed host-meta links', () => {
    expect(parseHostMetaJson('{"links":[{"rel":"urn:xmpp:alt-connections:websocket","href":"ws://example.org/ws"}]}')).toEqual([]);
    expect(parseHostMetaJson('not json')).toEqual([]);
  });

  it('treats a "." SRV target as "service not offered"', async () => {
    const c = await discoverCandidates('example.org', {
      deps: deps({ '_xmpps-client._tcp.example.org': [{ name: '.', port: 0, priority: 0, weight: 0 }] }),
    });
    expect(c.map((x) => x.service)).toEqual(['xmpp://example.org:5222']);
  });
});
