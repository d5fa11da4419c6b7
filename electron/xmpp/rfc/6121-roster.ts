// Roster management, RFC 6121 §2 — https://www.rfc-editor.org/rfc/rfc6121#section-2
// including roster versioning (§2.6). Pure builders/parsers; the roster service owns state.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { bareOf } from '../jid.js';

export const NS_ROSTER = 'jabber:iq:roster';

export type Subscription = 'none' | 'to' | 'from' | 'both' | 'remove';

export interface RosterItem {
  jid: string;
  name?: string;
  subscription: Subscription;
  /** §2.1.2.2: ask="subscribe" — our request is pending. */
  pendingOut: boolean;
  groups: string[];
}

/** §2.6.2: send `ver` (possibly empty) only if the server advertised roster versioning. */
export function buildRosterGet(ver?: string): Element {
  return xml('query', { xmlns: NS_ROSTER, ...(ver !== undefined ? { ver } : {}) });
}

export function parseRosterItem(item: Element): RosterItem | undefined {
  const jid = bareOf(item.attrs.jid);
  if (!jid) return undefined;
  const sub = item.attrs.subscription as string | undefined;
  const subscription: Subscription = sub === 'to' || sub === 'from' || sub === 'both' || sub === 'remove' ? sub : 'none';
  const name = item.attrs.name?.trim();
  const groups = [
    ...new Set(
      item
        .getChildren('group')
        .map((g) => g.text().trim())
        .filter(Boolean),
    ),
  ];
  return { jid, ...(name ? { name } : {}), subscription, pendingOut: item.attrs.ask === 'subscribe', groups };
}

/**
 * Parse a roster result. `undefined` query (empty IQ result) means, per §2.6.3, that the cached roster
 * is current and pushes will follow.
 */
export function parseRosterQuery(query: Element | undefined): { ver?: string; items: RosterItem[]; upToDate: boolean } {
  if (!query) return { items: [], upToDate: true };
  const items = query
    .getChildren('item')
    .map(parseRosterItem)
    .filter((i): i is RosterItem => !!i);
  const ver = query.attrs.ver as string | undefined;
  return { ...(ver !== undefined ? { ver } : {}), items, upToDate: false };
}

export function buildRosterSet(item: { jid: string; name?: string; groups?: string[] }): Element {
  return xml(
    'query',
    { xmlns: NS_ROSTER },
    xml('item', { jid: item.jid, ...(item.name ? { name: item.name } : {}) }, ...(item.groups ?? []).map((g) => xml('group', {}, g))),
  );
}

export function buildRosterRemove(jid: string): Element {
  return xml('query', { xmlns: NS_ROSTER }, xml('item', { jid, subscription: 'remove' }));
}

/**
 * §2.1.6: a roster push is legitimate only without `from` or from the user's own bare JID; anything
 * else must be ignored (it is a spoofing attempt, cf. CVE-2015-8688 family).
 */
export function isTrustedRosterPush(iq: Element, ownBareJid: string): boolean {
  const from = iq.attrs.from as string | undefined;
  return from === undefined || from === '' || (bareOf(from) === ownBareJid && !from.includes('/'));
}

/** Parse a push (`<iq type=set><query><item/></query></iq>`): exactly one item (§2.1.6). */
export function parseRosterPush(iq: Element): { ver?: string; item: RosterItem } | undefined {
  const query = iq.getChild('query', NS_ROSTER);
  const items = query?.getChildren('item') ?? [];
  if (!query || items.length !== 1) return undefined;
  const item = parseRosterItem(items[0]!);
  if (!item) return undefined;
  const ver = query.attrs.ver as string | undefined;
  return { ...(ver !== undefined ? { ver } : {}), item };
}
