// XEP-0424: Message Retraction — https://xmpp.org/extensions/xep-0424.html
// Retracting one's own message: an unenforceable request that recipients hide it. Version 0.4
// (urn:xmpp:message-retract:1); the 0.2/0.3 form (XEP-0422 <apply-to/> with urn:xmpp:message-retract:0)
// is still read, because 2023-era clients and servers send it.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { parseJid } from '../jid.js';
import { NS_HINTS } from './0334-hints.js';

export const NS_RETRACT = 'urn:xmpp:message-retract:1';
export const NS_RETRACT_0 = 'urn:xmpp:message-retract:0';
export const NS_FASTEN = 'urn:xmpp:fasten:0';
export const NS_FALLBACK = 'urn:xmpp:fallback:0';
export const NS_MODERATE = 'urn:xmpp:message-moderate:1';
export const NS_MODERATE_0 = 'urn:xmpp:message-moderate:0';

export const RETRACTION_FALLBACK_BODY = "This person attempted to retract a previous message, but it's unsupported by your client.";

export interface RetractionRequest {
  /** The chat partner's bare JID, or the room's bare JID. */
  to: string;
  type: 'chat' | 'groupchat';
  /**
   * Which message: in a 1:1 chat the XEP-0359 origin-id the user's client put on it; in a room the
   * stanza-id the room assigned (by = the room), since that is what every occupant and the archive know.
   */
  targetId: string;
  /** The stanza's own id. */
  id?: string;
  fallbackBody?: string;
}

/**
 * The retraction `<message/>`: `<retract id/>`, a XEP-0428 fallback marker for its body, the body for
 * clients without retraction, and a XEP-0334 <store/> hint. The spec: "It's RECOMMENDED that you
 * include a XEP-0428 tag with fallback text in the <body/>, so that older clients can still indicate
 * the intent to retract and so that older servers will archive the retraction. Additionally, you MAY
 * include a XEP-0334 <store/> hint". Business Rules: "The Sender MUST NOT send a retraction request
 * for a message with non-messaging payloads" (file transfer parts, roster item exchange, …).
 */
export function buildRetraction(r: RetractionRequest): Element {
  const to = parseJid(r.to);
  if (!to || to.resource) throw new RangeError(`Retractions go to a bare JID, got ${r.to}`);
  if (!r.targetId) throw new RangeError('Retraction needs the id of the retracted message');
  return xml(
    'message',
    { to: to.bare, type: r.type, ...(r.id ? { id: r.id } : {}) },
    xml('retract', { xmlns: NS_RETRACT, id: r.targetId }),
    xml('fallback', { xmlns: NS_FALLBACK, for: NS_RETRACT }),
    xml('body', {}, r.fallbackBody ?? RETRACTION_FALLBACK_BODY),
    xml('store', { xmlns: NS_HINTS }),
  );
}

export interface Retraction {
  /** The origin-id (1:1) or room stanza-id (groupchat) of the message to hide. */
  targetId: string;
  version: 0 | 1;
}

/**
 * A retraction request in `message`, or `undefined`. Moderations (XEP-0425, with <moderated/>) are
 * not retractions by the author and are left to 0425-moderation.ts.
 *
 * The caller MUST check the sender before hiding anything. Business Rules: "A retraction (that's not
 * part of a XEP-0425 operation) MUST only be processed when both the original message and the
 * retraction request are received from the same bare-JID (in a one-on-one conversation) or full-JID
 * (in a non-anonymous MUC from XEP-0045)." and "When used in a semi-anonymous MUC, the recipient
 * client MUST check that a message retraction was sent by the author of the retracted message by
 * checking the occupant id from XEP-0421."
 */
export function parseRetraction(message: Element): Retraction | undefined {
  if (!message.is('message') || message.attrs.type === 'error') return undefined;
  const v1 = message.getChildren('retract', NS_RETRACT);
  if (v1.length > 0) {
    if (v1.length !== 1 || v1[0]!.getChild('moderated', NS_MODERATE)) return undefined;
    const id = v1[0]!.attrs.id as string | undefined;
    return id ? { targetId: id, version: 1 } : undefined;
  }
  const applyTo = message.getChildren('apply-to', NS_FASTEN);
  if (applyTo.length !== 1) return undefined;
  const a = applyTo[0]!;
  if (!a.getChild('retract', NS_RETRACT_0) || a.getChild('moderated', NS_MODERATE_0)) return undefined;
  const id = a.attrs.id as string | undefined;
  return id ? { targetId: id, version: 0 } : undefined;
}

export interface RetractedTombstone {
  /** Epoch ms of the retraction, when the archive recorded it. */
  retractedAt?: number;
}

/**
 * A tombstone an archive put in place of a retracted message (Tombstones: the contents "get replaced
 * with a <retracted/> element"), in either namespace; `undefined` for anything else. Moderated
 * tombstones also match (their author did not retract them; 0425-moderation.ts tells them apart).
 */
export function parseRetractedTombstone(message: Element): RetractedTombstone | undefined {
  if (!message.is('message')) return undefined;
  const r =
    message.getChild('retracted', NS_RETRACT) ??
    message.getChild('retracted', NS_RETRACT_0) ??
    message.getChild('moderated', NS_MODERATE_0)?.getChild('retracted', NS_RETRACT_0);
  if (!r) return undefined;
  const t = Date.parse((r.attrs.stamp as string | undefined) ?? '');
  return Number.isFinite(t) ? { retractedAt: t } : {};
}
