// XEP-0280: Message Carbons — https://xmpp.org/extensions/xep-0280.html
// Copies of the messages the user's other devices sent and received, wrapped per XEP-0297.
// Forged carbons are the classic impersonation hole (CVE-2017-5589, CVE-2019-16235, CVE-2020-26547):
// anyone can send a message containing <sent/> or <received/>; only the user's own server may.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import { parseJid } from '../jid.js';
import { forwardedMessages, NS_FORWARD } from './0297-forward.js';
import { NS_HINTS } from './0334-hints.js';

export const NS_CARBONS = 'urn:xmpp:carbons:2';
/** XEP-0334 Message Processing Hints. */

/** §4: the child of an `<iq type='set'>` (no 'to': it goes to the user's own server). */
export function buildEnableCarbons(): Element {
  return xml('enable', { xmlns: NS_CARBONS });
}

/** §5: the child of an `<iq type='set'>`. */
export function buildDisableCarbons(): Element {
  return xml('disable', { xmlns: NS_CARBONS });
}

/**
 * §9: "The sending client MAY exclude a <message/> from being forwarded to other Carbons-enabled
 * resources, by adding a <private/> element qualified by the namespace "urn:xmpp:carbons:2" and a
 * <no-copy/> hint as described in XEP-0334" — so put both `buildPrivate()` and `buildNoCopy()` in it.
 */
export function buildPrivate(): Element {
  return xml('private', { xmlns: NS_CARBONS });
}

/** XEP-0334 `<no-copy/>`, sent together with `<private/>` (see above). */
export function buildNoCopy(): Element {
  return xml('no-copy', { xmlns: NS_HINTS });
}

export type CarbonDirection = 'sent' | 'received';

export interface Carbon {
  forged: false;
  /** 'sent': one of the user's other devices sent `inner`; 'received': another device received it. */
  direction: CarbonDirection;
  /** The original message. Never unwrap it again as a carbon or MAM result. */
  inner: Element;
}

export type CarbonRejection =
  /** The wrapper is not from the user's bare JID (missing, a full JID, or someone else). */
  | 'outer-from-not-own-bare'
  /** A 'sent' copy whose original is not from one of the user's resources. */
  | 'sent-inner-from-not-own'
  /** A 'received' copy whose original was not addressed to the user. */
  | 'received-inner-to-not-own'
  /** Both <sent/> and <received/>, or several of either. */
  | 'ambiguous'
  /** No <forwarded/> with exactly one <message/>. */
  | 'malformed'
  /** The original is itself a carbon: only the user's server can wrap, and it wraps once. */
  | 'nested';

export interface ForgedCarbon {
  forged: true;
  reason: CarbonRejection;
}

const isOwnResource = (jid: string | undefined, ownBare: string) => parseJid(jid)?.bare === parseJid(ownBare)?.bare;
const hasCarbon = (m: Element) => m.getChildren('sent', NS_CARBONS).length + m.getChildren('received', NS_CARBONS).length > 0;

/**
 * `undefined` if `message` is not a carbon at all; a `ForgedCarbon` (to be dropped, and perhaps
 * logged) if it claims to be one but fails the checks; otherwise the direction and original message.
 *
 * §11 Security Considerations: "Any forwarded copies received by a Carbons-enabled client MUST be
 * from that user's bare JID; any copies that do not meet this requirement MUST be ignored." §7/§8:
 * "the 'from' attribute MUST be the Carbons-enabled user's bare JID" — so a missing 'from' (which
 * would mean "from the user's server") or a full JID of the user's own is not accepted either.
 *
 * Beyond the spec, the original must fit the direction: a 'sent' copy was sent by one of the user's
 * resources, a 'received' copy was addressed to the user (bare or any resource).
 *
 * §10.4 Auto-responses: "Forwarded outbound messages MUST NOT be auto-replied to under any
 * circumstances." and forwarded inbound ones only if a single reply across all devices is ensured —
 * the caller must not send receipts or auto-replies for carbons.
 */
export function parseCarbon(message: Element, ownBare: string): Carbon | ForgedCarbon | undefined {
  if (!message.is('message')) return undefined;
  const sent = message.getChildren('sent', NS_CARBONS);
  const received = message.getChildren('received', NS_CARBONS);
  if (sent.length + received.length === 0) return undefined;
  const own = parseJid(ownBare);
  const from = parseJid(message.attrs.from as string | undefined);
  if (!own || !from || from.resource !== '' || from.bare !== own.bare) return { forged: true, reason: 'outer-from-not-own-bare' };
  if (sent.length + received.length !== 1) return { forged: true, reason: 'ambiguous' };
  const direction: CarbonDirection = sent.length === 1 ? 'sent' : 'received';
  const wrapper = (sent[0] ?? received[0])!;
  const forwarded = wrapper.getChildren('forwarded', NS_FORWARD);
  if (forwarded.length !== 1) return { forged: true, reason: 'malformed' };
  const inner = forwardedMessages(forwarded[0]!);
  if (inner.length !== 1) return { forged: true, reason: 'malformed' };
  const original = inner[0]!;
  if (hasCarbon(original)) return { forged: true, reason: 'nested' };
  if (direction === 'sent' && !isOwnResource(original.attrs.from as string | undefined, own.bare)) {
    return { forged: true, reason: 'sent-inner-from-not-own' };
  }
  if (direction === 'received' && !isOwnResource(original.attrs.to as string | undefined, own.bare)) {
    return { forged: true, reason: 'received-inner-to-not-own' };
  }
  return { forged: false, direction, inner: original };
}
