// XEP-0199: XMPP Ping — https://xmpp.org/extensions/xep-0199.html
// §4: `<iq type='get'><ping xmlns='urn:xmpp:ping'/></iq>`, answered with an empty result.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';

export const NS_PING = 'urn:xmpp:ping';

/** The `<ping/>` payload of a ping IQ (§4.1 server-to-client, §4.2 client-to-server, §4.3 client-to-client). */
export const buildPing = (): Element => xml('ping', { xmlns: NS_PING });
