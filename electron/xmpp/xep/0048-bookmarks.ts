// XEP-0048: Bookmarks — https://xmpp.org/extensions/xep-0048.html
// The legacy form, for servers without XEP-0402 (no urn:xmpp:bookmarks:1#compat): in XEP-0049 private
// XML storage (jabber:iq:private), or — where the server keeps the two in step (XEP-0411) — in the PEP
// node 'storage:bookmarks' (XEP-0048 §3.3), whose notifications reach the user's other devices. Either
// way the whole list is one document: to change one bookmark, fetch, edit and store all of them (and
// keep the <url/> bookmarks, which Vireo ignores).
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { parseJid } from '../jid.js';
import type { Bookmark } from './0402-bookmarks.js';
import { buildPepPublish, NS_PUBSUB, ownPepEventItems } from './0163-pep.js';

export const NS_PRIVATE = 'jabber:iq:private';
export const NS_STORAGE_BOOKMARKS = 'storage:bookmarks';
/** In the XEP-0115 caps features: PEP pushes the bookmarks document to us (XEP-0163 "+notify"). */
export const LEGACY_BOOKMARKS_NOTIFY_FEATURE = `${NS_STORAGE_BOOKMARKS}+notify`;
/** XEP-0048 §3.3: the document is the node's single item, "current". */
const PEP_ITEM_ID = 'current';

/** `<iq type='get'>` without 'to': XEP-0049 "retrieve" of the bookmarks document. */
export function buildLegacyBookmarksRequest(): Element {
  return xml('query', { xmlns: NS_PRIVATE }, xml('storage', { xmlns: NS_STORAGE_BOOKMARKS }));
}

/**
 * `<iq type='set'>` without 'to': the full list replaces what is stored. `others` are the non-conference
 * children of the fetched <storage/> (e.g. <url/>), stored again unchanged.
 */
export function buildLegacyBookmarksStore(bookmarks: readonly Bookmark[], others: readonly Element[] = []): Element {
  return xml('query', { xmlns: NS_PRIVATE }, buildStorage(bookmarks, others));
}

function buildStorage(bookmarks: readonly Bookmark[], others: readonly Element[]): Element {
  const conferences = bookmarks.map((b) => {
    const j = parseJid(b.jid);
    if (!j || !j.local || j.resource) throw new RangeError(`Not a room JID: ${b.jid}`);
    const attrs: Record<string, string> = { jid: j.bare, autojoin: b.autojoin ? 'true' : 'false' };
    if (b.name) attrs.name = b.name;
    return xml(
      'conference',
      attrs,
      ...(b.nick ? [xml('nick', {}, b.nick)] : []),
      ...(b.password !== undefined ? [xml('password', {}, b.password)] : []),
    );
  });
  return xml('storage', { xmlns: NS_STORAGE_BOOKMARKS }, ...conferences, ...others);
}

export interface LegacyBookmarks {
  bookmarks: Bookmark[];
  /** Children other than <conference/>, to store back unchanged. */
  others: Element[];
}

/** The bookmarks in an `<iq type='result'>` to the request; conferences without a room JID are dropped. */
export function parseLegacyBookmarks(iq: Element): LegacyBookmarks | undefined {
  if (!iq.is('iq') || iq.attrs.type !== 'result') return undefined;
  return parseStorage(iq.getChild('query', NS_PRIVATE)?.getChild('storage', NS_STORAGE_BOOKMARKS));
}

function parseStorage(storage: Element | undefined): LegacyBookmarks | undefined {
  if (!storage) return undefined;
  const seen = new Set<string>();
  const bookmarks: Bookmark[] = [];
  const others: Element[] = [];
  for (const child of storage.children) {
    if (typeof child === 'string') continue;
    if (child.name !== 'conference') {
      others.push(child);
      continue;
    }
    const j = parseJid(child.attrs.jid as string | undefined);
    if (!j || !j.local || j.resource || seen.has(j.bare) || seen.size >= 10_000) continue;
    seen.add(j.bare);
    const name = (child.attrs.name as string | undefined) || undefined;
    const nick = child.getChildText('nick') || undefined;
    const password = child.getChild('password') ? (child.getChildText('password') ?? '') : undefined;
    bookmarks.push({
      jid: j.bare,
      ...(name ? { name } : {}),
      autojoin: child.attrs.autojoin === 'true' || child.attrs.autojoin === '1',
      ...(nick ? { nick } : {}),
      ...(password !== undefined ? { password } : {}),
    });
  }
  return { bookmarks, others };
}

/** `<iq type='get'>` without 'to': the bookmarks document from the user's own PEP node. */
export function buildLegacyBookmarksPepRequest(): Element {
  return xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node: NS_STORAGE_BOOKMARKS }));
}

/**
 * `<iq type='set'>` without 'to': the full list replaces the node's item "current". XEP-0048 §3.3 (and
 * XEP-0223): publish-options persist_items true and access_model whitelist, so the list is kept and
 * only the user can read it — the options a XEP-0411 server itself publishes with.
 */
export function buildLegacyBookmarksPepPublish(bookmarks: readonly Bookmark[], others: readonly Element[] = []): Element {
  return buildPepPublish(NS_STORAGE_BOOKMARKS, buildStorage(bookmarks, others), {
    itemId: PEP_ITEM_ID,
    options: { 'pubsub#persist_items': true, 'pubsub#access_model': 'whitelist' },
  });
}

/** The document in the `<iq type='result'>` to the PEP request; `undefined` when the node holds none. */
export function parseLegacyBookmarksPepResult(iq: Element): LegacyBookmarks | undefined {
  if (!iq.is('iq') || iq.attrs.type !== 'result') return undefined;
  const items = iq.getChild('pubsub', NS_PUBSUB)?.getChild('items');
  if (!items || items.attrs.node !== NS_STORAGE_BOOKMARKS) return undefined;
  return parseStorage(items.getChildren('item').at(-1)?.getChild('storage', NS_STORAGE_BOOKMARKS));
}

/**
 * A PEP notification carrying the whole bookmarks document, or `undefined` (also for one that does not
 * come from the user's own account: see ownPepEventItems).
 */
export function parseLegacyBookmarksEvent(message: Element, ownBare: string): LegacyBookmarks | undefined {
  const items = ownPepEventItems(message, ownBare, NS_STORAGE_BOOKMARKS);
  if (!items) return undefined;
  return parseStorage(items.getChildren('item').at(-1)?.getChild('storage', NS_STORAGE_BOOKMARKS));
}
