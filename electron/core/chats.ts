// One-to-one chats: the incoming pipeline (parse → store → notify) and the send path
// (store as pending with its origin-id → send → mark sent). A message that cannot leave now stays
// pending in the database and is sent when the account is back online: never dropped silently.
import type { Element } from '@xmpp/xml';
import type { AccountId, ConversationId } from '../../shared/ids.js';
import { fail, ok, type Result } from '../../shared/errors.js';
import type { ConversationView, HistoryPageView, MessageView } from '../../shared/views.js';
import type { ConversationRecord, MessageRecord, MessagesRepo } from '../store/messages-repo.js';
import type { ConnectionService } from './connections.js';
import type { EventBus } from './events.js';
import type { Logger } from './log.js';
import type { XmppClient } from '../xmpp/client.js';
import { buildChatMessage, parseChatMessage, type IncomingChat } from '../xmpp/rfc/6121-message.js';
import { newOriginId } from '../xmpp/xep/0359-stable-ids.js';
import { bareOf } from '../xmpp/jid.js';
import { createPipeline, ORDER } from './pipeline.js';

export interface ChatsDeps {
  repo: MessagesRepo;
  connections: ConnectionService;
  events: EventBus;
  log: Logger;
  /** The contact's roster name, if any. */
  contactName(accountId: AccountId, jid: string): string | undefined;
}

export interface IncomingCtx {
  accountId: AccountId;
  ownBare: string;
  stanza: Element;
  chat?: IncomingChat;
  stored?: MessageRecord;
}

export function createChatService(deps: ChatsDeps) {
  const incoming = createPipeline<IncomingCtx>();
  const sending = new Set<string>();

  function messageView(m: MessageRecord, conv: ConversationRecord): MessageView {
    return {
      id: m.id, conversationId: m.conversationId, accountId: conv.accountId, peer: conv.peer, direction: m.direction,
      body: m.body, timestamp: m.timestamp, state: m.state, ...(m.originId ? { originId: m.originId } : {}),
    };
  }

  function conversationView(c: ConversationRecord): ConversationView {
    const last = deps.repo.lastMessage(c.id);
    return {
      id: c.id, accountId: c.accountId, peer: c.peer, title: deps.contactName(c.accountId, c.peer) ?? c.peer,
      lastActivity: c.lastActivity, unread: c.unread,
      ...(last ? { lastMessage: { body: last.body.slice(0, 200), direction: last.direction } } : {}),
    };
  }

  const emitConversation = (id: string) => {
    const c = deps.repo.conversation(id);
    if (c) deps.events.emit('conversation:updated', conversationView(c));
  };

  incoming.use({
    name: 'parse',
    order: ORDER.parse,
    run(ctx) {
      const chat = parseChatMessage(ctx.stanza, ctx.ownBare);
      if (!chat || chat.from === ctx.ownBare) return false; // carbons and self-messages come with the sync work
      ctx.chat = chat;
      return true;
    },
  });
  incoming.use({
    name: 'store',
    order: ORDER.store,
    run(ctx) {
      const c = ctx.chat!;
      // A duplicate (same origin-id or server stanza-id) is not stored again: the repo says so.
      const stored = deps.repo.add(ctx.accountId, c.from, {
        conversationId: '' as ConversationId, direction: 'in', body: c.body, timestamp: c.delayedAt ?? Date.now(), state: 'received',
        ...(c.originId ?? c.id ? { originId: (c.originId ?? c.id)! } : {}), ...(c.stanzaId ? { stanzaId: c.stanzaId } : {}),
        ...(c.fromResource ? { fromResource: c.fromResource } : {}),
      });
      if (!stored) return false;
      ctx.stored = stored;
      return true;
    },
  });
  incoming.use({
    name: 'notify',
    order: ORDER.notify,
    run(ctx) {
      const conv = deps.repo.conversation(ctx.stored!.conversationId)!;
      deps.events.emit('message:added', [messageView(ctx.stored!, conv)]);
      deps.events.emit('conversation:updated', conversationView(conv));
    },
  });

  function installOn(accountId: AccountId, client: XmppClient) {
    client.middleware.use(async (ctx: { stanza: Element }, next: () => Promise<unknown>) => {
      if (ctx.stanza.is('message')) {
        const ownBare = bareOf(client.jid?.toString()) ?? '';
        try {
          await incoming.run({ accountId, ownBare, stanza: ctx.stanza });
        } catch (err) {
          deps.log.error('incoming message pipeline failed', err);
        }
      }
      return next();
    });
  }

  async function transmit(accountId: AccountId, m: MessageRecord, conv: ConversationRecord): Promise<void> {
    const client = deps.connections.client(accountId);
    if (!client || sending.has(m.id)) return;
    sending.add(m.id);
    try {
      await client.send(buildChatMessage({ to: conv.peer, body: m.body, id: m.originId! }));
      const updated = deps.repo.setState(m.id, 'sent');
      if (updated) deps.events.emit('message:updated', messageView(updated, conv));
    } catch (err) {
      // Still pending in the database: it goes out at the next sign-in.
      deps.log.info(`send deferred: ${(err as Error).message}`);
    } finally {
      sending.delete(m.id);
    }
  }

  /** After sign-in: send what was waiting, oldest first, with the ids it was given when written. */
  /** After sign-in: send what was waiting, oldest first, with the ids it was given when written. */
  async function flushPending(accountId: AccountId) {
    for (const m of deps.repo.pendingOutgoing(accountId)) {
      const conv = deps.repo.conversation(m.conversationId);
      if (conv) await transmit(accountId, m, conv);
    }
  }

  return {
    installOn,
    flushPending,
    pipeline: incoming,
    list: (): ConversationView[] => deps.repo.conversations().map(conversationView),
    open(accountId: AccountId, peer: string): Result<ConversationView> {
      return ok(conversationView(deps.repo.ensureConversation(accountId, peer)));
    },
    history(conversationId: string, limit: number, beforeId?: string): Result<HistoryPageView> {
      const conv = deps.repo.conversation(conversationId);
      if (!conv) return fail('not-found', 'conversation');
      const page = deps.repo.history(conversationId, limit, beforeId);
      return ok({ messages: page.messages.map((m) => messageView(m, conv)), hasMore: page.hasMore });
    },
    async send(conversationId: string, body: string): Promise<Result<MessageView>> {
      const conv = deps.repo.conversation(conversationId);
      if (!conv) return fail('not-found', 'conversation');
      const stored = deps.repo.add(conv.accountId, conv.peer, {
        conversationId: conv.id, direction: 'out', body, timestamp: Date.now(), state: 'pending', originId: newOriginId(),
      })!;
      const view = messageView(stored, conv);
      deps.events.emit('message:added', [view]);
      emitConversation(conv.id);
      void transmit(conv.accountId, stored, conv);
      return ok(view);
    },
    markRead(conversationId: string): Result<null> {
      if (!deps.repo.conversation(conversationId)) return fail('not-found', 'conversation');
      deps.repo.markRead(conversationId);
      emitConversation(conversationId);
      return ok(null);
    },
  };
}
export type ChatService = ReturnType<typeof createChatService>;
