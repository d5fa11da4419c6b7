// XEP-0184: Message Delivery Receipts — https://xmpp.org/extensions/xep-0184.html
// "delivered to a client", never "read" (that is XEP-0333). Whether to answer is the caller's policy:
// §8 Security Considerations: "a recipient SHOULD NOT return message delivery receipts to senders who
// are not otherwise authorized to view its presence" — check the roster subscription before replying.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { randomUUID } from 'node:crypto';

export const NS_RECEIPTS = 'urn:xmpp:receipts';

/**
 * Goes into an outgoing content message, which needs an id — §7: "A sender MUST include an 'id'
 * attribute on every content message that requests a receipt".
 */
export function buildReceiptRequest(): Element {
  return xml('request', { xmlns: NS_RECEIPTS });
}

export type ReceiptMessageType = 'chat' | 'normal' | 'headline';

/**
 * The ack message for the content message `id` received from `to` (its full 'from').
 *
 * §7: the ack message "SHOULD ensure that the message stanza contains only one child element, namely
 * the <received/> element", and "it SHOULD include an 'id' attribute that echoes the 'id' attribute of
 * the content message". "It is a good practice to use the same message type as the message that
 * requested the receipt" — pass it as `type`. No <body/>, no <request/> (§5.4: "an entity MUST NOT
 * include a receipt request … in an ack message", to prevent looping).
 */
export function buildReceipt(to: string, id: string, opts: { type?: ReceiptMessageType; stanzaId?: string } = {}): Element {
  if (!to || !id) throw new RangeError('a receipt needs the sender and the id of the content message');
  return xml(
    'message',
    { to, id: opts.stanzaId ?? randomUUID(), ...(opts.type ? { type: opts.type } : {}) },
    xml('received', { xmlns: NS_RECEIPTS, id }),
  );
}

/**
 * An ack message: the id of our message that reached one of the recipient's clients. The caller must
 * check that the receipt's sender is the peer that message went to (anyone can send <received/>) and
 * be ready for several (§4: "the sender of the content message needs to be prepared to receive
 * multiple ack messages").
 */
export function parseReceipt(message: Element): { receivedId: string } | undefined {
  if (!message.is('message') || message.attrs.type === 'error') return undefined;
  const receivedId = message.getChild('received', NS_RECEIPTS)?.attrs.id as string | undefined;
  return receivedId ? { receivedId } : undefined;
}

/**
 * Does `message` ask for a receipt that may be sent? It must request one, carry an id and a sender,
 * and not be an ack itself. Never for type 'groupchat' (§5.3: receipts in rooms are "NOT
 * RECOMMENDED") or 'error'.
 *
 * Not decided here (the caller must): only for messages live off the stream — §5.5: "An entity MUST
 * NOT send an ack message when a user views messages that have been archived", so never for MAM
 * results, and never for carbons (XEP-0280 §10.4); and only to senders allowed to see our presence (§8).
 */
export function wantsReceipt(message: Element): boolean {
  if (!message.is('message')) return false;
  const type = (message.attrs.type as string | undefined) ?? 'normal';
  if (type === 'groupchat' || type === 'error') return false;
  if (!message.attrs.id || !message.attrs.from) return false;
  if (message.getChild('received', NS_RECEIPTS)) return false;
  return message.getChild('request', NS_RECEIPTS) !== undefined;
}
