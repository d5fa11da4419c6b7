// What the window sees of messages and conversations: the DTOs (`MessageView`, `ConversationView`,
// ARCHITECTURE.md "Process model": plain views, no XML, no keys), built from the stored records in one
// place, the events that carry them, the chat list and pages of history. Shared by the whole message
// path (ingest.ts, outbox.ts, chats.ts) and the features that change a message (receipts, retraction…).
// A private chat with a room occupant is titled as XEP-0045 §7.5 describes it: `room@service/nick`.
import { fail, ok, type Result } from '../../../shared/errors.js';
import type { ChatEncryptionView, ConversationView, HistoryPageView, MessageView } from '../../../shared/views.js';
import type { AccountId } from '../../../shared/ids.js';
import type { ConversationRecord, MessageRecord, MessagesRepo } from '../../store/messages-repo.js';
import type { EventBus } from '../kernel/index.js';
import { parseJid } from '../../xmpp/jid.js';

/** What the views need from end-to-end encryption (part of ChatEncryption in chats.ts). */
export interface ViewsEncryption {
  /** The chat's encryption as the user sees it. */
  view(conv: ConversationRecord): ChatEncryptionView;
}

export interface ViewsDeps {
  repo: MessagesRepo;
  events: EventBus;
  /** The contact's roster name, if any. */
  contactName(accountId: AccountId, jid: string): string | undefined;
  /** A room's configured name, once known (the chat list titles rooms by it). */
  roomName?(accountId: AccountId, jid: string): string | undefined;
  /** End-to-end encryption, late-bound. */
  encryption?(): ViewsEncryption | undefined;
}

export function createViews(deps: ViewsDeps) {
  function messageView(m: MessageRecord, conv: ConversationRecord): MessageView {
    return {
      id: m.id,
      conversationId: m.conversationId,
      accountId: conv.accountId,
      peer: conv.peer,
      direction: m.direction,
      body: m.body,
      timestamp: m.timestamp,
      order: m.sortKey,
      state: m.state,
      ...(m.originId ? { originId: m.originId } : {}),
      ...(m.error ? { error: m.error } : {}),
      ...(m.senderNick ? { senderNick: m.senderNick } : {}),
      ...(m.encrypted ? { encrypted: true } : {}),
      ...(m.senderTrust ? { senderTrust: m.senderTrust } : {}),
      // 0 stands for "no usable header" (omemo-messages.ts): not a device anyone can look up.
      ...(m.encrypted && m.direction === 'in' && m.senderDevice ? { senderDevice: m.senderDevice } : {}),
      ...(m.warning ? { warning: m.warning } : {}),
      ...(m.mentionsMe ? { mentionsMe: true } : {}),
      ...(m.notice ? { notice: m.notice } : {}),
      ...(m.retracted
        ? { retracted: { by: m.retracted.by, at: m.retracted.at, ...(m.retracted.reason ? { reason: m.retracted.reason } : {}) } }
        : {}),
    };
  }

  function conversationView(c: ConversationRecord): ConversationView {
    const last = deps.repo.lastMessage(c.id);
    // A private chat with a room occupant (XEP-0045 §7.5) is stored as a chat with `room@service/nick`.
    const pm = c.kind === 'chat' ? parseJid(c.peer) : undefined;
    const isPm = !!pm?.resource;
    return {
      id: c.id,
      kind: isPm ? 'pm' : c.kind,
      accountId: c.accountId,
      peer: c.peer,
      title: isPm
        ? `${pm!.resource} (private, in ${deps.roomName?.(c.accountId, pm!.bare) ?? pm!.bare})`
        : ((c.kind === 'room' ? deps.roomName?.(c.accountId, c.peer) : undefined) ?? deps.contactName(c.accountId, c.peer) ?? c.peer),
      lastActivity: c.lastActivity,
      unread: c.unread,
      ...(last
        ? {
            lastMessage: {
              body: last.body.slice(0, 200),
              direction: last.direction,
              // In a room the list says who wrote it ("Bob: …").
              ...(c.kind === 'room' && last.direction === 'in' && last.senderNick ? { senderNick: last.senderNick } : {}),
            },
          }
        : {}),
      ...(c.kind === 'chat' && !c.peer.includes('/') && deps.encryption?.() ? { encryption: deps.encryption()!.view(c) } : {}),
    };
  }

  const emitConversation = (id: string) => {
    const c = deps.repo.conversation(id);
    if (c) deps.events.emit('conversation:updated', conversationView(c));
  };

  function updated(rec: MessageRecord | undefined) {
    const conv = rec && deps.repo.conversation(rec.conversationId);
    if (rec && conv) deps.events.emit('message:updated', messageView(rec, conv));
  }

  return {
    messageView,
    conversationView,
    emitConversation,
    /** Tell the window that a stored message changed. */
    updated,
    /** The view of a stored message (for commands that answer with one). */
    viewOf(rec: MessageRecord): MessageView | undefined {
      const conv = deps.repo.conversation(rec.conversationId);
      return conv && messageView(rec, conv);
    },
    list: (): ConversationView[] => deps.repo.conversations().map(conversationView),
    history(conversationId: string, limit: number, beforeId?: string, afterId?: string): Result<HistoryPageView> {
      const conv = deps.repo.conversation(conversationId);
      if (!conv) return fail('not-found', 'conversation');
      const page = deps.repo.history(conversationId, limit, beforeId, afterId);
      return ok({ messages: page.messages.map((m) => messageView(m, conv)), hasMore: page.hasMore });
    },
  };
}
export type Views = ReturnType<typeof createViews>;
