// XEP-0115: Entity Capabilities — https://xmpp.org/extensions/xep-0115.html
// Our presence carries a hash of what we support, so that servers and peers know without asking;
// PEP (XEP-0163) uses it to decide which notifications to push to us ("…+notify" features).
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { createHash } from 'node:crypto';

export const NS_CAPS = 'http://jabber.org/protocol/caps';
export const CAPS_NODE = 'https://vireo.im';

export interface Identity {
  category: string;
  type: string;
  lang?: string;
  name?: string;
}

/**
 * §5.1 verification string: identities sorted by category/type/lang, "category/type/lang/name<",
 * then the features sorted, each followed by "<"; SHA-1, base64. (No extended forms here.)
 */
export function capsVer(identities: Identity[], features: string[]): string {
  const ids = identities.map((i) => `${i.category}/${i.type}/${i.lang ?? ''}/${i.name ?? ''}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const feats = [...new Set(features)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const s = [...ids, ...feats].map((x) => `${x}<`).join('');
  return createHash('sha1').update(s, 'utf8').digest('base64');
}

/** §4: `<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node=… ver=…/>` for our presence. */
export function buildCaps(ver: string, node = CAPS_NODE): Element {
  return xml('c', { xmlns: NS_CAPS, hash: 'sha-1', node, ver });
}
