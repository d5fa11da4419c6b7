// XEP-0333: Chat Markers (since 0.5 "Displayed Markers") — https://xmpp.org/extensions/xep-0333.html
// Tell the sender how far a chat has been read. A marker means "all messages up to and including
// this id"; it is a heuristic, not a per-message receipt (see XEP-0184 for delivery). Section numbers
// and quotes are from version 0.4, which defines all three markers; 0.5+ (renamed "Displayed
// Markers") is about <displayed/>, so that is the only one built here; all three are understood.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { randomUUID } from 'node:crypto';

export const NS_MARKERS = 'urn:xmpp:chat-markers:0';

/** "in order of significance" (§6): later kinds imply the earlier ones. */
export const MARKER_KINDS = ['received', 'displayed', 'acknowledged'] as const;
export type MarkerKind = (typeof MARKER_KINDS)[number];

/**
 * Goes into an outgoing message that should be marked. §6: "A sender MUST include an 'id' attribute
 * on every markable message"; §8.1: "Only Messages that can be displayed in a chat SHOULD be markable."
 */
export function buildMarkable(): Element {
  return xml('markable', { xmlns: NS_MARKERS });
}

export type MarkerMessageType = 'chat' | 'groupchat' | 'normal';

/**
 * A `<displayed/>` marker for the message `id`, sent to `to`.
 *
 * In 1:1 chats `id` is the marked message's own 'id'. In a room it MUST be the room-assigned stanza-id
 * (§8.6: "if a MUC announces support for XEP-0359 then clients MUST always use the MUC-assigned id for
 * Chat Markers"), `to` the room's bare JID and `type` 'groupchat'.
 *
 * §6: the marker message "SHOULD ensure that the message stanza contains only the Chat Marker child
 * element and optionally (when appropriate) a thread child element" — which §6 requires "if the
 * message has been … displayed … in the context of a thread". Never send one for a message that is
 * itself a marker (§5.3, looping), nor while catching up on the archive (§8.1: "Chat Markers SHOULD
 * only be sent after retrieving the most recent message for a chat"), nor to a sender not allowed to
 * see our presence (§9).
 */
export function buildDisplayed(
  to: string,
  id: string,
  type: MarkerMessageType = 'chat',
  opts: { thread?: string; stanzaId?: string } = {},
): Element {
  if (!to || !id) throw new RangeError('a chat marker needs a recipient and the id of the marked message');
  return xml(
    'message',
    { to, type, id: opts.stanzaId ?? randomUUID() },
    ...(opts.thread ? [xml('thread', {}, opts.thread)] : []),
    xml('displayed', { xmlns: NS_MARKERS, id }),
  );
}

/**
 * The marker in `message`, if it carries exactly one. §6: "The Chat Marker MUST have an 'id' which is
 * the 'id' of the message being marked." The caller applies §7: "Chat Markers MUST only move forward"
 * and "Chat Markers for unknown messages MUST be ignored", and checks that the sender is the peer
 * (in rooms: the occupant, with the id looked up among the room's stanza-ids).
 */
export function parseMarker(message: Element): { kind: MarkerKind; id: string } | undefined {
  if (!message.is('message') || message.attrs.type === 'error') return undefined;
  const found = MARKER_KINDS.flatMap((kind) => message.getChildren(kind, NS_MARKERS).map((el) => ({ kind, el })));
  if (found.length !== 1) return undefined;
  const { kind, el } = found[0]!;
  const id = el.attrs.id as string | undefined;
  return id ? { kind, id } : undefined;
}

/**
 * Does the sender want markers for `message`? §7: "Messages MUST have an 'id' to use Chat Markers"
 * and "MUST include the 'markable' element". A message that is itself a marker is never markable
 * (§5.3: "an entity MUST NOT send a Chat Marker to mark up to a Chat Marker").
 */
export function isMarkable(message: Element): boolean {
  return !!message.attrs.id && asksForMarkers(message);
}

/**
 * Like `isMarkable`, for a room message, which is marked by the room's stanza-id instead of its own
 * 'id' (§8.6): it carries `<markable/>` and is not itself a marker (§5.3).
 */
export function asksForMarkers(message: Element): boolean {
  if (!message.is('message') || message.attrs.type === 'error') return false;
  if (MARKER_KINDS.some((kind) => message.getChild(kind, NS_MARKERS))) return false;
  return message.getChild('markable', NS_MARKERS) !== undefined;
}
