// XEP-0352: Client State Indication — https://xmpp.org/extensions/xep-0352.html
// Tell the server whether the user is looking, so it can hold back presence and chat states while not.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';

export const NS_CSI = 'urn:xmpp:csi:0';

/**
 * §4.1: "If the server supports CSI, it advertises it in the stream features after the client has
 * authenticated" (`<csi xmlns='urn:xmpp:csi:0'/>`). Only send the nonzas below when it did.
 */
export function supportsCsi(features: Element): boolean {
  return features.getChild('csi', NS_CSI) !== undefined;
}

/**
 * §4.2: "A stream always begins in 'active' state." Nonzas, not stanzas: "There is no reply from the
 * server to either of these elements", and they are not counted by stream management (XEP-0198).
 * §5: the state is "unrelated to the user's presence" — do not send it instead of <presence/>.
 */
export function buildActive(): Element {
  return xml('active', { xmlns: NS_CSI });
}

export function buildInactive(): Element {
  return xml('inactive', { xmlns: NS_CSI });
}
