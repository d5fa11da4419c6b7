// XEP-0163: Personal Eventing Protocol — https://xmpp.org/extensions/xep-0163.html
// One builder for "publish this item to my PEP node, with these publish-options" (XEP-0060 §7.1.5),
// shared by bookmarks, read sync and OMEMO.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { buildSubmitForm, type SubmitValue } from './0004-data-forms.js';
import { parseJid } from '../jid.js';

export const NS_PUBSUB = 'http://jabber.org/protocol/pubsub';
export const NS_PUBSUB_EVENT = 'http://jabber.org/protocol/pubsub#event';

/** XEP-0223 persistent private storage: kept, many items, never pushed on login, only to the owner. */
export const PRIVATE_STORAGE_OPTIONS: Readonly<Record<string, SubmitValue>> = {
  'pubsub#persist_items': true,
  'pubsub#max_items': 'max',
  'pubsub#send_last_published_item': 'never',
  'pubsub#access_model': 'whitelist',
};

/**
 * `<pubsub><publish node><item id?>payload</item></publish><publish-options>…</publish-options></pubsub>`
 * for an `<iq type='set'>`; options whose value is undefined are left out, and with none left there
 * is no publish-options at all.
 */
export function buildPepPublish(
  node: string,
  payload: Element,
  opts: { itemId?: string; options?: Readonly<Record<string, SubmitValue | undefined>> } = {},
): Element {
  const options = Object.fromEntries(Object.entries(opts.options ?? {}).filter(([, v]) => v !== undefined));
  return xml(
    'pubsub',
    { xmlns: NS_PUBSUB },
    xml('publish', { node }, xml('item', opts.itemId === undefined ? {} : { id: opts.itemId }, payload)),
    ...(Object.keys(options).length ? [xml('publish-options', {}, buildSubmitForm(`${NS_PUBSUB}#publish-options`, options))] : []),
  );
}

/**
 * The `<items/>` of a PEP notification for `node` on the user's OWN account, or `undefined`. Only the
 * account publishes to its own nodes: the message must come from the user's bare JID (or carry no
 * 'from': the user's own server); anything else is a forgery (a stranger's bookmark with autojoin would
 * pull the user into a room of the stranger's choosing).
 */
export function ownPepEventItems(message: Element, ownBare: string, node: string): Element | undefined {
  if (!message.is('message') || message.attrs.type === 'error') return undefined;
  const own = parseJid(ownBare);
  if (!own) return undefined;
  const fromAttr = message.attrs.from as string | undefined;
  if (fromAttr !== undefined) {
    const from = parseJid(fromAttr);
    if (!from || from.resource !== '' || from.bare !== own.bare) return undefined;
  }
  const items = message.getChild('event', NS_PUBSUB_EVENT)?.getChild('items');
  return items && items.attrs.node === node ? items : undefined;
}
