// XEP-0490: Message Displayed Synchronization — https://xmpp.org/extensions/xep-0490.html
// "Read up to here" shared between the user's own devices through a private PEP node (XEP-0163,
// XEP-0223), keyed by chat. Independent of XEP-0333, which tells the contact.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { parseJid } from '../jid.js';
import { buildPepPublish, NS_PUBSUB, NS_PUBSUB_EVENT, PRIVATE_STORAGE_OPTIONS } from './0163-pep.js';
import { NS_SID } from './0359-stable-ids.js';

export const NS_MDS = 'urn:xmpp:mds:displayed:0';
/** §4.3: put in the XEP-0115 caps features to receive notifications ("+notify", XEP-0163). */
export const MDS_NOTIFY_FEATURE = `${NS_MDS}+notify`;
export { NS_PUBSUB, NS_PUBSUB_EVENT };
/** The server feature to check before publishing (§7: "the client MUST first check for" it). */
export const NS_PUBLISH_OPTIONS = 'http://jabber.org/protocol/pubsub#publish-options';

export interface MdsDisplayed {
  /** The chat (the item id): a contact's or room's bare JID, or an occupant's full JID for a MUC PM. */
  peer: string;
  /** The stanza-id of the last displayed message in that chat. */
  stanzaId: string;
  /** Who assigned it: the user's own bare JID for 1:1 chats, the room for group chats. */
  by: string;
}

/**
 * The `<pubsub/>` for an `<iq type='set'>` without 'to' (the user's own PEP service).
 *
 * §4.1: "The item ID corresponds to the JID of the respective chat. For normal, 1:1 chats this SHOULD
 * be the bare JID of the contact, for group chats this SHOULD be the bare JID of the room and for
 * private messages in group chats the full JID of the participant." §4.2: "For group chats the
 * <stanza-id/> child … refers to the stanza-id injected by the room. For all other chats the stanza-id
 * child refers to the stanza-id injected by the user's server" — that is `by`.
 * §4.2: "The client MUST include appropriate publish-options in the publication, including, but not
 * limited to, setting the access model to whitelist and the max-items to max." §7: the server must
 * have announced `NS_PUBLISH_OPTIONS` first.
 */
export function buildMdsPublish(peer: string, stanzaId: string, by: string): Element {
  if (!parseJid(peer) || !stanzaId || !parseJid(by)) throw new RangeError('MDS needs the chat JID, the stanza-id and who assigned it');
  return buildPepPublish(NS_MDS, xml('displayed', { xmlns: NS_MDS }, xml('stanza-id', { xmlns: NS_SID, by, id: stanzaId })), {
    itemId: peer,
    options: PRIVATE_STORAGE_OPTIONS,
  });
}

/** §4.4 catching up: "Upon bind and initial presence a client retrieves all items" — an `<iq type='get'>` child. */
export function buildMdsFetch(): Element {
  return xml('pubsub', { xmlns: NS_PUBSUB }, xml('items', { node: NS_MDS }));
}

/** A chat JID in comparison form: bare, or bare/resource for an occupant. */
function chatJid(id: string | undefined): string | undefined {
  const j = parseJid(id);
  return j ? (j.resource ? `${j.bare}/${j.resource}` : j.bare) : undefined;
}

/** §4.1: "The <displayed/> element MUST contain exactly one XEP-0359 <stanza-id/> element". */
function parseItem(item: Element): MdsDisplayed | undefined {
  const peer = chatJid(item.attrs.id as string | undefined);
  const displayed = item.getChildren('displayed', NS_MDS);
  if (!peer || displayed.length !== 1) return undefined;
  const sids = displayed[0]!.getChildren('stanza-id', NS_SID);
  if (sids.length !== 1) return undefined;
  const stanzaId = sids[0]!.attrs.id as string | undefined;
  const by = parseJid(sids[0]!.attrs.by as string | undefined)?.bare;
  return stanzaId && by ? { peer, stanzaId, by } : undefined;
}

const fromOwnAccount = (el: Element, ownBare: string, allowMissing: boolean): boolean => {
  const from = el.attrs.from as string | undefined;
  if (!from) return allowMissing;
  const f = parseJid(from);
  return !!f && f.resource === '' && f.bare === parseJid(ownBare)?.bare;
};

const itemsOf = (parent: Element | undefined): MdsDisplayed[] =>
  (parent?.getChildren('items') ?? [])
    .filter((items) => items.attrs.node === NS_MDS)
    .flatMap((items) => items.getChildren('item').map(parseItem))
    .filter((d): d is MdsDisplayed => d !== undefined);

/**
 * A PEP notification (`<message><event xmlns='…pubsub#event'><items node='urn:xmpp:mds:displayed:0'>`).
 * Only the user's own account publishes to its own PEP node, so anything not from exactly the own
 * bare JID is ignored (empty list), as are retractions and malformed items.
 *
 * The caller applies §5.1: "The displayed state only moves forward" and "Displayed states with a
 * stanza-id not found in the respective chat MUST be ignored", and checks `by` against the chat
 * (own bare JID for 1:1, the room for group chats).
 */
export function parseMdsEvent(message: Element, ownBare: string): MdsDisplayed[] {
  if (!message.is('message') || message.attrs.type === 'error' || !fromOwnAccount(message, ownBare, false)) return [];
  return message.getChildren('event', NS_PUBSUB_EVENT).flatMap(itemsOf);
}

/** The result of `buildMdsFetch()`: an `<iq type='result'>` from the own account (or without 'from'). */
export function parseMdsItems(iq: Element, ownBare: string): MdsDisplayed[] {
  if (!iq.is('iq') || iq.attrs.type !== 'result' || !fromOwnAccount(iq, ownBare, true)) return [];
  return itemsOf(iq.getChild('pubsub', NS_PUBSUB));
}
