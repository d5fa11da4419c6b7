// Client State Indication (XEP-0352, https://xmpp.org/extensions/xep-0352.html): when the window is
// hidden the server may hold back presence updates and other unimportant traffic, saving battery and
// bandwidth; urgent things (messages) still arrive. Sent only to servers that offer it (§3).
import type { AccountId } from '../../../shared/ids.js';
import type { ConnectionService } from './connections.js';
import type { XmppClient } from '../../xmpp/client.js';
import { buildActive, buildInactive, supportsCsi } from '../../xmpp/xep/0352-csi.js';

export function createPresenceActivity(deps: { connections: ConnectionService }) {
  let active = true;
  const send = async (client: XmppClient) => {
    if (client.features && supportsCsi(client.features)) await client.send(active ? buildActive() : buildInactive()).catch(() => {});
  };
  return {
    async setActive(value: boolean) {
      if (value === active) return;
      active = value;
      await Promise.all(deps.connections.onlineClients().map(send));
    },
    /** A new session starts "active" on the server (§5): say so if we are not. */
    async onOnline(_id: AccountId, client: XmppClient) {
      if (!active) await send(client);
    },
    isActive: () => active,
  };
}
