// XEP-0156: Discovering Alternative XMPP Connection Methods — https://xmpp.org/extensions/xep-0156.html
// Both forms are read: the XRD document at /.well-known/host-meta (§3.1, the original one) and the
// JSON one at /.well-known/host-meta.json (§3.2). Only secure WebSocket endpoints are used: a `ws://`
// link or one on another scheme is ignored (§4: "clients SHOULD … only use secure connections").
import { Parser } from '@xmpp/xml';
import type { Element } from '@xmpp/xml';
export const REL_WEBSOCKET = 'urn:xmpp:alt-connections:websocket';

export function hostMetaUrl(domain: string, form: 'json' | 'xrd' = 'json'): string {
  return `https://${domain}/.well-known/host-meta${form === 'json' ? '.json' : ''}`;
}

const secureWs = (href: unknown): href is string => typeof href === 'string' && href.startsWith('wss://') && href.length < 2000;

/** The XRD form: `<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'><Link rel=… href=…/></XRD>`. */
export function parseHostMetaXrd(text: string): string[] {
  const parser = new Parser();
  let root: Element | undefined;
  parser.on('element', (el: Element) => (root ??= el));
  parser.on('error', () => {});
  try {
    parser.write(`<wrap>${text.replace(/^\s*<\?xml[^>]*\?>/, '')}</wrap>`);
  } catch {
    return [];
  }
  if (!root || root.name !== 'XRD') return [];
  return root
    .getChildren('Link')
    .filter((l) => l.attrs.rel === REL_WEBSOCKET)
    .map((l) => l.attrs.href)
    .filter(secureWs);
}

/** Returns the wss:// URLs in document order; anything malformed yields an empty list. */
export function parseHostMetaJson(text: string): string[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  const links = (doc as { links?: unknown }).links;
  if (!Array.isArray(links)) return [];
  const out: string[] = [];
  for (const l of links) {
    const { rel, href } = (l ?? {}) as { rel?: unknown; href?: unknown };
    if (rel === REL_WEBSOCKET && secureWs(href)) out.push(href);
  }
  return out;
}
