// XEP-0410: MUC Self-Ping (Schrödinger's Chat) — https://xmpp.org/extensions/xep-0410.html
// A XEP-0199 ping to one's own occupant JID tells whether the room still knows the user.
import type { Element } from '@xmpp/xml';
import { occupantJid } from './0045-muc.js';
import { buildPing } from './0199-ping.js';
import { parseStanzaError } from '../rfc/6120-stanza-errors.js';

/** §3.3: rooms that answer self-pings themselves advertise this on the room JID. */
export const FEATURE_SELF_PING_OPTIMIZATION = 'http://jabber.org/protocol/muc#self-ping-optimization';

/**
 * §3.2: "her client will send the following ping IQ" — `<iq type='get' to='room@service/nick'>` with
 * `<ping xmlns='urn:xmpp:ping'/>`. "After an adequate amount of silence from a given MUC (e.g. 15
 * minutes)". §4: "A client should not perform a self-ping after initiating a nickname change, and
 * before receiving the response", and with XEP-0198 hibernation it "should defer sending".
 */
export function buildSelfPing(roomJid: string, nick: string): { to: string; ping: Element } {
  return { to: occupantJid(roomJid, nick), ping: buildPing() };
}

/**
 * - 'joined': still in the room, nothing to do.
 * - 'not-joined': the room does not know the user: rejoin.
 * - 'unreachable': no answer, or the room's server cannot be reached: show it, ping again later.
 */
export type SelfPingOutcome = 'joined' | 'not-joined' | 'unreachable';

/**
 * Classifies the reply to a self-ping (`undefined` = timed out), per §3.2:
 * - "Successful IQ response: the client is still joined."
 * - "Error (<service-unavailable> or <feature-not-implemented>): the client is joined, but the pinged
 *   client does not implement XEP-0199."
 * - "Error (<item-not-found>): the client is joined, but the occupant just changed their name (e.g.
 *   initiated by a different client)."
 * - "Any other error: the client is probably not joined any more. It should perform a re-join." The
 *   note: "The recommended error code is <not-acceptable>, however some servers will respond with
 *   <not-allowed> or <bad-request> as well."
 * - "Timeout (no response): the MUC service (or another client) is unreachable. The client may
 *   indicate the status to the user and re-attempt the self-ping after some timeout, until it receives
 *   either an error or a success response."
 *
 * One deliberate exception to "any other error": <remote-server-not-found/> and
 * <remote-server-timeout/> come from the user's own server (RFC 6120 §8.3.3.13/14: the remote server
 * could not be reached), not from the room. They say as little about membership as a timeout does, and
 * a re-join would fail the same way, so they count as 'unreachable'.
 */
export function classifySelfPingReply(reply: Element | undefined): SelfPingOutcome {
  if (!reply) return 'unreachable';
  if (!reply.is('iq')) return 'unreachable';
  if (reply.attrs.type === 'result') return 'joined';
  if (reply.attrs.type !== 'error') return 'unreachable';
  switch (parseStanzaError(reply)?.condition) {
    case 'service-unavailable':
    case 'feature-not-implemented':
    case 'item-not-found':
      return 'joined';
    case 'remote-server-not-found':
    case 'remote-server-timeout':
      return 'unreachable';
    default:
      return 'not-joined';
  }
}
