// XEP-0380: Explicit Message Encryption — https://xmpp.org/extensions/xep-0380.html
// and XEP-0334: Message Processing Hints — https://xmpp.org/extensions/xep-0334.html
// What travels beside an <encrypted/> element so that clients without OMEMO say something useful and
// servers archive key-transport messages (which have no <body/>).
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { NS_HINTS } from '../xmpp/xep/0334-hints.js';

export const NS_EME = 'urn:xmpp:eme:0';

/** §3: `<encryption xmlns='urn:xmpp:eme:0' namespace='…' name='…'/>`. */
export function buildEme(namespace: string, name?: string): Element {
  return xml('encryption', name === undefined ? { xmlns: NS_EME, namespace } : { xmlns: NS_EME, namespace, name });
}

/** The encryption namespace a message declares, if any. */
export function parseEme(message: Element): string | undefined {
  const e = message.getChild('encryption', NS_EME);
  return typeof e?.attrs.namespace === 'string' ? e.attrs.namespace : undefined;
}

/** XEP-0334 §4.4 `<store/>`: "the message should be stored in a client's offline storage and/or history". */
export function buildStoreHint(): Element {
  return xml('store', { xmlns: NS_HINTS });
}
