// XEP-0048: Bookmarks — https://xmpp.org/extensions/xep-0048.html
// The legacy form, in XEP-0049 private XML storage (jabber:iq:private), for servers without XEP-0402
// (no urn:xmpp:bookmarks:1#compat and no PEP). The whole list is one document: to change one
// bookmark, fetch, edit and store all of them (and keep the <url/> bookmarks, which Vireo ignores).
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { parseJid } from '../jid.js';
import type { Bookmark } from './0402-bookmarks.js';

export const NS_PRIVATE = 'jabber:iq:private';
export const NS_STORAGE_BOOKMARKS = 'storage:bookmarks';

/** `<iq type='get'>` without 'to': XEP-0049 "retrieve" of the bookmarks document. */
export function buildLegacyBookmarksRequest(): Element {
  return xml('query', { xmlns: NS_PRIVATE }, xml('storage', { xmlns: NS_STORAGE_BOOKMARKS }));
}

/**
 * `<iq type='set'>` without 'to': the full list replaces what is stored. `others` are the non-conference
 * children of the fetched <storage/> (e.g. <url/>), stored again unchanged.
 */
export function buildLegacyBookmarksStore(bookmarks: readonly Bookmark[], others: readonly Element[] = []): Element {
  const conferences = bookmarks.map((b) => {
    const j = parseJid(b.jid);
    if (!j || !j.local || j.resource) throw new RangeError(`Not a room JID: ${b.jid}`);
    const attrs: Record<string, string> = { jid: j.bare, autojoin: b.autojoin ? 'true' : 'false' };
    if (b.name) attrs.name = b.name;
    return xml('conference', attrs, ...(b.nick ? [xml('nick', {}, b.nick)] : []), ...(b.password !== undefined ? [xml('password', {}, b.password)] : []));
  });
  return xml('query', { xmlns: NS_PRIVATE }, xml('storage', { xmlns: NS_STORAGE_BOOKMARKS }, ...conferences, ...others));
}

export interface LegacyBookmarks {
  bookmarks: Bookmark[];
  /** Children other than <conference/>, to store back unchanged. */
  others: Element[];
}

/** The bookmarks in an `<iq type='result'>` to the request; conferences without a room JID are dropped. */
export function parseLegacyBookmarks(iq: Element): LegacyBookmarks | undefined {
  if (!iq.is('iq') || iq.attrs.type !== 'result') return undefined;
  const storage = iq.getChild('query', NS_PRIVATE)?.getChild('storage', NS_STORAGE_BOOKMARKS);
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
    const password = child.getChild('password') ? child.getChildText('password') ?? '' : undefined;
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
