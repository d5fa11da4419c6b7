// XEP-0402: PEP Native Bookmarks — https://xmpp.org/extensions/xep-0402.html
// One PEP item per bookmarked room on the user's own private node (XEP-0223), id = the room's JID.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { parseJid } from '../jid.js';
import { buildPepPublish, NS_PUBSUB, ownPepEventItems, PRIVATE_STORAGE_OPTIONS } from './0163-pep.js';

export const NS_BOOKMARKS = 'urn:xmpp:bookmarks:1';
/** Put in the XEP-0115 caps features to get notifications (XEP-0163 "+notify"). */
export const BOOKMARKS_NOTIFY_FEATURE = `${NS_BOOKMARKS}+notify`;
/** Advertised by servers that keep XEP-0048 private XML storage in sync with this node. */
export const BOOKMARKS_COMPAT_FEATURE = `${NS_BOOKMARKS}#compat`;

export interface Bookmark {
  /** The room's bare JID: "the item id" — the <conference/> itself carries no JID. */
  jid: string;
  name?: string;
  /** Join this room on login, and whenever a notification says so. */
  autojoin: boolean;
  nick?: string;
  /** Stored unencrypted on the server; only store one when the user asks for it. */
  password?: string;
  /** <extensions/> children, kept so that a re-publish does not drop other clients' data. */
  extensions?: Element[];
}

const MAX_BOOKMARKS = 10_000;

function requireRoom(jid: string): string {
  const j = parseJid(jid);
  if (!j || !j.local || j.resource) throw new RangeError(`Not a room JID: ${jid}`);
  return j.bare;
}

/** The `<conference/>` payload of a bookmark item. */
export function buildConference(b: Bookmark): Element {
  requireRoom(b.jid);
  const attrs: Record<string, string> = { xmlns: NS_BOOKMARKS, autojoin: b.autojoin ? 'true' : 'false' };
  if (b.name) attrs.name = b.name;
  return xml(
    'conference',
    attrs,
    ...(b.nick ? [xml('nick', {}, b.nick)] : []),
    ...(b.password !== undefined ? [xml('password', {}, b.password)] : []),
    ...(b.extensions && b.extensions.length > 0 ? [xml('extensions', {}, ...b.extensions)] : []),
  );
}

/**
 * The `<pubsub/>` for an `<iq type='set'>` without 'to' (the user's own PEP service) that adds or
 * replaces one bookmark. "Adding a bookmark means publishing a new item, with the bookmark JID as id".
 * The publish-options are the spec's: persist_items true, max_items max, send_last_published_item
 * never, access_model whitelist — so the node stays private to the user and keeps every bookmark.
 * Security Considerations: "The client needs to make sure that the server actually supports the
 * 'http://jabber.org/protocol/pubsub#publish-options' feature, before relying on it."
 */
export function buildBookmarkPublish(b: Bookmark): Element {
  const id = requireRoom(b.jid);
  return buildPepPublish(NS_BOOKMARKS, buildConference(b), { itemId: id, options: PRIVATE_STORAGE_OPTIONS });
}

/**
 * `<iq type='set'>`: "Removing a bookmark means retracting an existing item, identified by the
 * bookmark's JID". notify='true' so the user's other clients hear of it.
 */
export function buildBookmarkRetract(roomJid: string): Element {
  return xml(
    'pubsub',
    { xmlns: NS_PUBSUB },
    xml('retract', { node: NS_BOOKMARKS, notify: 'true' }, xml('item', { id: requireRoom(roomJid) })),
  );
}

/** `<iq type='get'>` without 'to': all bookmarks. */
export function buildBookmarksRequest(): Element {
  return xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node: NS_BOOKMARKS }));
}

/** One item's bookmark, or `undefined` for an item that is not a valid bookmark (bad id, no conference). */
export function parseBookmarkItem(item: Element): Bookmark | undefined {
  const jid = parseJid(item.attrs.id as string | undefined);
  if (!jid || !jid.local || jid.resource) return undefined;
  const confs = item.getChildren('conference', NS_BOOKMARKS);
  if (confs.length !== 1) return undefined;
  const c = confs[0]!;
  const name = (c.attrs.name as string | undefined) || undefined;
  const nick = c.getChildText('nick') || undefined;
  const password = c.getChild('password') ? (c.getChildText('password') ?? '') : undefined;
  const extensions = c.getChild('extensions')?.children.filter((e): e is Element => typeof e !== 'string');
  return {
    jid: jid.bare,
    ...(name ? { name } : {}),
    // xs:boolean: "true" or "1".
    autojoin: c.attrs.autojoin === 'true' || c.attrs.autojoin === '1',
    ...(nick ? { nick } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(extensions && extensions.length > 0 ? { extensions } : {}),
  };
}

/** The bookmarks in the `<iq type='result'>` of `buildBookmarksRequest()`; invalid items are skipped. */
export function parseBookmarksResult(iq: Element): Bookmark[] {
  if (!iq.is('iq') || iq.attrs.type !== 'result') return [];
  const items = iq.getChild('pubsub', NS_PUBSUB)?.getChild('items');
  if (!items || items.attrs.node !== NS_BOOKMARKS) return [];
  return collect(items.getChildren('item'));
}

function collect(items: Element[]): Bookmark[] {
  const seen = new Set<string>();
  const out: Bookmark[] = [];
  for (const item of items.slice(0, MAX_BOOKMARKS)) {
    const b = parseBookmarkItem(item);
    if (!b || seen.has(b.jid)) continue;
    seen.add(b.jid);
    out.push(b);
  }
  return out;
}

export interface BookmarksEvent {
  /** Added or changed. "it MUST check the 'autojoin' attribute if present, and join the room
   *  immediately if the attribute is both present and true". */
  published: Bookmark[];
  /** Room JIDs whose bookmark was removed. */
  retracted: string[];
}

/**
 * A PEP notification for the bookmarks node, or `undefined` (also for one that does not come from the
 * user's own account: see ownPepEventItems).
 */
export function parseBookmarksEvent(message: Element, ownBare: string): BookmarksEvent | undefined {
  const items = ownPepEventItems(message, ownBare, NS_BOOKMARKS);
  if (!items) return undefined;
  const retracted = [
    ...new Set(
      items
        .getChildren('retract')
        .slice(0, MAX_BOOKMARKS)
        .map((r) => parseJid(r.attrs.id as string | undefined))
        .filter((j) => j !== undefined && j.local !== '' && j.resource === '')
        .map((j) => j!.bare),
    ),
  ];
  return { published: collect(items.getChildren('item')), retracted };
}
