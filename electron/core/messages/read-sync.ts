// Read state across the user's devices with XEP-0490 (Message Displayed Synchronization): when the
// user reads a chat, the archive id of the last message read is published to their own PEP node; the
// other devices get it pushed (we announce urn:xmpp:mds:displayed:0+notify in our caps) or fetch it
// after signing in, and clear what was read there. Only our own account's notifications count.
import { xml } from '@xmpp/client';
import { requestIq } from '../../xmpp/iq.js';
import type { AccountId } from '../../../shared/ids.js';
import { conversationIdOf, type MessagesRepo } from '../../store/messages-repo.js';
import type { ChatService } from './chats.js';
import type { ConnectionService } from '../session/index.js';
import type { Logger } from '../../lib/log.js';
import type { XmppClient } from '../../xmpp/client.js';
import { bareOf } from '../../xmpp/jid.js';
import {
  buildMdsFetch,
  buildMdsPublish,
  NS_PUBSUB_EVENT,
  parseMdsEvent,
  parseMdsItems,
  type MdsDisplayed,
} from '../../xmpp/xep/0490-mds.js';
import { errorMessage } from '../../lib/error-message.js';

export interface ReadSyncDeps {
  chats: ChatService;
  repo: MessagesRepo;
  connections: ConnectionService;
  log: Logger;
}

export function installReadSync(deps: ReadSyncDeps) {
  function apply(accountId: AccountId, ownBare: string, items: MdsDisplayed[]) {
    for (const d of items) {
      const conv = deps.repo.conversation(conversationIdOf(accountId, d.peer));
      if (!conv || conv.unread === 0) continue;
      // XEP-0490 §4.2: in a room the id is the one the room assigned (`by` = the room), in a chat the one
      // our own server assigned (`by` = our bare JID); anything else names an id from another archive.
      if (d.by !== (conv.kind === 'room' ? conv.peer : ownBare)) continue;
      // Only what is at or before the displayed message is read; anything newer stays unread.
      if (deps.repo.setUnreadAfterArchiveId(conv.id, d.stanzaId)) deps.chats.emitConversation(conv.id);
    }
  }

  deps.chats.pipeline.use({
    name: 'read-sync',
    run(ctx) {
      if (ctx.source !== 'live' || !ctx.stanza.getChild('event', NS_PUBSUB_EVENT)) return true;
      apply(ctx.accountId, ctx.ownBare, parseMdsEvent(ctx.stanza, ctx.ownBare));
      return false;
    },
  });

  return {
    /** After sign-in: what was read elsewhere while we were away. */
    async onOnline(accountId: AccountId, client: XmppClient) {
      try {
        const res = await requestIq(client, xml('iq', { type: 'get' }, buildMdsFetch()));
        const own = bareOf(client.jid?.toString()) ?? '';
        apply(accountId, own, parseMdsItems(res, own));
      } catch {
        // No node yet (item-not-found) or no PEP: nothing read elsewhere to apply.
      }
    },
    /** The user read a chat here: tell the other devices. */
    async displayed(accountId: AccountId, peer: string, lastIncoming: { stanzaId?: string } | undefined) {
      const client = deps.connections.client(accountId);
      const own = bareOf(client?.jid?.toString());
      if (!client || !own || !lastIncoming?.stanzaId) return;
      // §4.2: a room's messages carry the room's stanza-id, so `by` names the room.
      const by = deps.repo.conversation(conversationIdOf(accountId, peer))?.kind === 'room' ? peer : own;
      try {
        await requestIq(client, xml('iq', { type: 'set' }, buildMdsPublish(peer, lastIncoming.stanzaId, by)));
      } catch (err) {
        deps.log.info(`read state not published: ${errorMessage(err)}`);
      }
    },
  };
}
export type ReadSync = ReturnType<typeof installReadSync>;
