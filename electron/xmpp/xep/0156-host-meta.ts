// XEP-0156: Discovering Alternative XMPP Connection Methods — https://xmpp.org/extensions/xep-0156.html
// Only the JSON form (host-meta.json, §3) and only secure WebSocket endpoints are used: a `ws://`
// link or one on another scheme is ignored (§4: "clients SHOULD … only use secure connections").
export const REL_WEBSOCKET = 'urn:xmpp:alt-connections:websocket';

export function hostMetaUrl(domain: string): string {
  return `https://${domain}/.well-known/host-meta.json`;
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
    if (rel === REL_WEBSOCKET && typeof href === 'string' && href.startsWith('wss://') && href.length < 2000) out.push(href);
  }
  return out;
}
