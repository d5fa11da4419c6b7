// XEP-0297: Stanza Forwarding — https://xmpp.org/extensions/xep-0297.html
// The <forwarded/> wrapper that carbons (XEP-0280) and archive results (XEP-0313) put a message in.
import type { Element } from '@xmpp/xml';
import { NS_CLIENT } from '../rfc/6120-streams.js';

export const NS_FORWARD = 'urn:xmpp:forward:0';

/** The forwarded <message/> children: client stanzas, qualified by 'jabber:client' or inheriting it. */
export const forwardedMessages = (forwarded: Element): Element[] =>
  forwarded.getChildren('message').filter((m) => m.attrs.xmlns === undefined || m.attrs.xmlns === NS_CLIENT);
