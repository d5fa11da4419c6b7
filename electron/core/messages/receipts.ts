// Delivery state of one-to-one messages, plugged into the chat pipeline (read state and XEP-0333
// markers: chat-markers.ts):
// - an XEP-0184 receipt from the peer moves that one message of ours forward (sent → delivered;
//   never backwards), and only a message in a chat with that peer;
// - a bounced message (RFC 6120 §8.3 error) becomes 'failed' with its condition (the window words it);
// - we answer receipt requests, but only to contacts allowed to see our presence (XEP-0184 §8).
import type { Element } from '@xmpp/xml';
import type { AccountId } from '../../../shared/ids.js';
import type { DeliveryState } from '../../../shared/views.js';
import type { SendFailure } from '../../../shared/notices.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import type { RosterRepo } from '../../store/roster-repo.js';
import type { ConnectionService } from '../session/index.js';
import type { ChatService } from './chats.js';
import type { Logger } from '../../lib/log.js';
import { parseMessageError } from '../../xmpp/rfc/6121-message.js';
import { buildReceipt, buildReceiptRequest, parseReceipt, wantsReceipt } from '../../xmpp/xep/0184-receipts.js';
import { bareOf } from '../../xmpp/jid.js';

const RANK: Record<DeliveryState, number> = { failed: 0, pending: 1, sent: 2, delivered: 3, read: 4, received: 0 };

/** RFC 6120 §8.3.3.16/17: our server could not reach the recipient's domain at all; the window names it. */
const ABOUT_THE_DOMAIN = new Set(['remote-server-not-found', 'remote-server-timeout']);

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
  function advance(accountId: AccountId, peer: string, originId: string, state: DeliveryState, error?: SendFailure) {
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
    name: 'receipts-errors',
    run(ctx) {
      const el = ctx.stanza;
      const bounced = ctx.source === 'live' ? parseMessageError(el) : undefined;
      if (bounced) {
        const { condition } = bounced;
        const domain = bounced.from.slice(bounced.from.indexOf('@') + 1);
        advance(ctx.accountId, bounced.from, bounced.id, 'failed', {
          kind: 'bounced',
          condition,
          ...(ABOUT_THE_DOMAIN.has(condition) ? { domain } : {}),
        });
        return false;
      }
      if (ctx.source === 'archive') return true; // no state changes from history
      const from = bareOf(el.attrs.from);
      const receipt = parseReceipt(el);
      // XEP-0184: a receipt is about its own message only (unlike a chat marker).
      if (ctx.source === 'live' && from && from !== ctx.ownBare && receipt) advance(ctx.accountId, from, receipt.receivedId, 'delivered');
      return true;
    },
  });

  // Every chat message asks for a receipt.
  chats.addOutgoingExtra(buildReceiptRequest);
  chats.onStored((ctx) => {
    if (ctx.source === 'live' && ctx.msg?.direction === 'in') answerReceipt(ctx.accountId, ctx.stanza, ctx.msg.peer);
  });

  /** After a live message from a contact is stored: answer its receipt request (§5). */
  function answerReceipt(accountId: AccountId, stanza: Element, peer: string) {
    if (!wantsReceipt(stanza) || !stanza.attrs.id) return;
    const contact = deps.roster.get(accountId, peer);
    // §8: receipts reveal presence; only to people who may see it.
    if (!contact || (contact.subscription !== 'from' && contact.subscription !== 'both')) return;
    void deps.connections
      .client(accountId)
      ?.send(buildReceipt(stanza.attrs.from as string, stanza.attrs.id as string))
      .catch(() => {});
  }
}
