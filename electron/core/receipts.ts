// Delivery and read state of one-to-one messages, plugged into the chat pipeline:
// - XEP-0184 receipts and XEP-0333 markers from the peer move our message forward
//   (sent → delivered → read; never backwards), and only for messages in a chat with that peer;
// - a bounced message (RFC 6120 §8.3 error) becomes 'failed' with the reason in words;
// - we answer receipt requests, but only to contacts allowed to see our presence (XEP-0184 §8);
// - a displayed marker that our other device sent (seen as a carbon) means the user read the chat
//   there: unread is cleared here too.
import type { Element } from '@xmpp/xml';
import type { AccountId } from '../../shared/ids.js';
import type { DeliveryState } from '../../shared/views.js';
import type { MessagesRepo } from '../store/messages-repo.js';
import type { RosterRepo } from '../store/roster-repo.js';
import type { ConnectionService } from './connections.js';
import type { ChatService } from './chats.js';
import type { Logger } from './log.js';
import { ORDER } from './pipeline.js';
import { parseMessageError } from '../xmpp/rfc/6121-message.js';
import { buildReceipt, buildReceiptRequest, parseReceipt, wantsReceipt } from '../xmpp/xep/0184-receipts.js';
import { buildDisplayed, buildMarkable, parseMarker } from '../xmpp/xep/0333-chat-markers.js';
import { bareOf } from '../xmpp/jid.js';

const RANK: Record<DeliveryState, number> = { failed: 0, pending: 1, sent: 2, delivered: 3, read: 4, received: 0 };

const ERROR_WORDS: Record<string, string> = {
  'service-unavailable': 'The recipient cannot receive messages (the address may not exist).',
  'item-not-found': 'This address does not exist.',
  'remote-server-not-found': "The recipient's server could not be found.",
  'remote-server-timeout': "The recipient's server did not answer.",
  'not-acceptable': 'The server refused this message.',
  'policy-violation': "The server refused this message because of its rules (it may be too long or sent too fast).",
  'forbidden': 'You are not allowed to send messages to this address.',
  'not-allowed': 'You are not allowed to send messages to this address.',
  'resource-constraint': 'The server is too busy to take this message now.',
};

export interface ReceiptsDeps {
  chats: ChatService;
  repo: MessagesRepo;
  roster: RosterRepo;
  connections: ConnectionService;
  log: Logger;
}

export function installReceipts(deps: ReceiptsDeps) {
  const { chats, repo } = deps;

  /** Move our message with this origin-id in the chat with `peer` forward to `state`. */
  function advance(accountId: AccountId, peer: string, originId: string, state: DeliveryState, error?: string) {
    const m = repo.outgoingByOriginId(accountId, originId);
    const conv = m && repo.conversation(m.conversationId);
    if (!m || !conv || conv.peer !== peer) return; // a receipt from someone else is ignored
    // In a room any occupant could claim to have received or read our message: only the room's own
    // bounce counts there.
    if (conv.kind === 'room' && state !== 'failed') return;
    // A bounce only concerns a message still on its way; it never undoes delivered or read.
    if (state === 'failed' ? m.state !== 'pending' && m.state !== 'sent' : RANK[state] <= RANK[m.state]) return;
    chats.updated(repo.setState(m.id, state, error));
  }

  chats.pipeline.use({
    name: 'receipts-markers-errors',
    order: ORDER.parse - 10, // after carbons are unwrapped, before body-less messages are dropped
    run(ctx) {
      const el = ctx.stanza;
      const bounced = ctx.source === 'live' ? parseMessageError(el) : undefined;
      if (bounced) {
        const words = ERROR_WORDS[bounced.condition] ?? `The server could not deliver it (${bounced.condition}).`;
        advance(ctx.accountId, bounced.from, bounced.id, 'failed', words);
        return false;
      }
      if (ctx.source === 'archive') return true; // no state changes from history
      const from = bareOf(el.attrs.from);
      const receipt = parseReceipt(el);
      const marker = parseMarker(el);
      if (ctx.source === 'live' && from && from !== ctx.ownBare) {
        if (receipt) advance(ctx.accountId, from, receipt.receivedId, 'delivered');
        if (marker?.kind === 'received') advance(ctx.accountId, from, marker.id, 'delivered');
        if (marker?.kind === 'displayed' || marker?.kind === 'acknowledged') advance(ctx.accountId, from, marker.id, 'read');
      }
      // Our other device told the peer it displayed their messages: the user read the chat there.
      if (ctx.source === 'carbon' && marker?.kind === 'displayed' && from === ctx.ownBare) {
        const peer = bareOf(el.attrs.to);
        const conv = peer && repo.conversation(`${ctx.accountId}|${peer}`);
        // Read up to the marked message; anything newer stays unread.
        if (conv && conv.unread > 0 && repo.setUnreadAfter(conv.id, { originId: marker.id })) chats.emitConversation(conv.id);
      }
      return true;
    },
  });

  // Every chat message asks for a receipt and can be marked displayed.
  chats.addOutgoingExtra(buildReceiptRequest);
  chats.addOutgoingExtra(buildMarkable);
  chats.onStored((ctx) => {
    if (ctx.source === 'live' && ctx.msg?.direction === 'in') answerReceipt(ctx.accountId, ctx.stanza, ctx.msg.peer);
  });

  /** After a live message from a contact is stored: answer its receipt request (§5). */
  function answerReceipt(accountId: AccountId, stanza: Element, peer: string) {
    if (!wantsReceipt(stanza) || !stanza.attrs.id) return;
    const contact = deps.roster.get(accountId, peer);
    // §8: receipts reveal presence; only to people who may see it.
    if (!contact || (contact.subscription !== 'from' && contact.subscription !== 'both')) return;
    void deps.connections.client(accountId)?.send(buildReceipt(stanza.attrs.from as string, stanza.attrs.id as string)).catch(() => {});
  }

  return {
    /** The user read the chat: tell the peer (XEP-0333 displayed), if they asked and may know. */
    async displayed(accountId: AccountId, peer: string, lastIncomingOriginId: string | undefined) {
      if (!lastIncomingOriginId) return;
      const contact = deps.roster.get(accountId, peer);
      if (!contact || (contact.subscription !== 'from' && contact.subscription !== 'both')) return;
      await deps.connections.client(accountId)?.send(buildDisplayed(peer, lastIncomingOriginId)).catch(() => {});
    },
  };
}
