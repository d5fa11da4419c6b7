// XEP-0030: Service Discovery — https://xmpp.org/extensions/xep-0030.html
// The two queries and what Vireo reads from their answers: an entity's identities and features
// (disco#info, §3) and the items it lists (disco#items, §4). Room-specific readings of the same
// answers (room lists, room info) are in 0045-muc.ts.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { parseJid } from '../jid.js';

export const NS_DISCO_INFO = 'http://jabber.org/protocol/disco#info';
export const NS_DISCO_ITEMS = 'http://jabber.org/protocol/disco#items';

/** `<iq type='get' to=…>` with an empty disco#info query (§3.1). */
export const buildDiscoInfo = (to: string): Element => xml('iq', { type: 'get', to }, xml('query', { xmlns: NS_DISCO_INFO }));

/** `<iq type='get' to=…>` with an empty disco#items query (§4.1). */
export const buildDiscoItems = (to: string): Element => xml('iq', { type: 'get', to }, xml('query', { xmlns: NS_DISCO_ITEMS }));

/** A guard against a hostile answer listing millions of entries. */
const MAX_ENTRIES = 1000;

/** The entity's side of the answer must be the one we asked (an IQ result from someone else is not an answer). */
function answerFrom(iq: Element, asked: string, ns: string): Element | undefined {
  if (!iq.is('iq') || iq.attrs.type !== 'result') return undefined;
  const from = iq.attrs.from as string | undefined;
  if (from !== undefined && parseJid(from)?.bare !== parseJid(asked)?.bare) return undefined;
  return iq.getChild('query', ns);
}

export interface DiscoIdentity {
  category: string;
  type: string;
  name?: string;
}

/** §3.1: "the target entity MUST return ... <identity/> ... category and type" — plus its <feature/> vars. */
export function parseDiscoInfo(iq: Element, asked: string): { identities: DiscoIdentity[]; features: string[] } | undefined {
  const query = answerFrom(iq, asked, NS_DISCO_INFO);
  if (!query) return undefined;
  const identities = query
    .getChildren('identity')
    .slice(0, MAX_ENTRIES)
    .flatMap((i) => {
      const { category, type, name } = i.attrs as Record<string, unknown>;
      if (typeof category !== 'string' || typeof type !== 'string') return [];
      return [{ category, type, ...(typeof name === 'string' && name ? { name } : {}) }];
    });
  const features = query
    .getChildren('feature')
    .slice(0, MAX_ENTRIES)
    .map((f) => f.attrs.var)
    .filter((v): v is string => typeof v === 'string' && v !== '');
  return { identities, features };
}

/** §4.1: the items an entity lists, by JID (items with a 'node' are not separate entities: skipped). */
export function parseDiscoItems(iq: Element, asked: string): string[] {
  const query = answerFrom(iq, asked, NS_DISCO_ITEMS);
  if (!query) return [];
  const out = new Set<string>();
  for (const item of query.getChildren('item').slice(0, MAX_ENTRIES)) {
    const jid = parseJid(item.attrs.jid as string | undefined);
    if (jid && !item.attrs.node) out.add(jid.resource ? `${jid.bare}/${jid.resource}` : jid.bare);
  }
  return [...out];
}
