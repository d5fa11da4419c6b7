// One-to-one chats, and the chat service that composes the shared message path for everyone who
// plugs into it (rooms, archive sync, OMEMO, receipts, retraction):
// - ingest.ts: the receive pipeline (live stanzas, carbons XEP-0280, archive pages XEP-0313), one
//   transaction per batch, one event per batch;
// - outbox.ts: our messages, stored as pending with their origin-id (XEP-0359) and sent until the
//   server has acknowledged them (XEP-0198);
// - views.ts: what the window sees (conversation and message views, history pages, the chat list).
// This file keeps what is the 1:1 chat's own: opening a chat, sending in it (with OMEMO when the
// chat is encrypted), its encryption setting, marking it read, and the client middleware that feeds
// live messages (RFC 6121) into the pipeline.
import type { Element } from '@xmpp/xml';
import type { AccountId } from '../../../shared/ids.js';
import { fail, ok, type Result } from '../../../shared/errors.js';
import type { ConversationView, MessageView } from '../../../shared/views.js';
import type { ConversationRecord, MessagesRepo } from '../../store/messages-repo.js';
import type { ConnectionService } from '../session/index.js';
import type { EventBus } from '../kernel/index.js';
import type { Logger } from '../../lib/log.js';
import type { XmppClient } from '../../xmpp/client.js';
import { bareOf } from '../../xmpp/jid.js';
import { PersistFailure } from '../../xmpp/stream-management.js';
import { createViews, type ViewsEncryption } from './views.js';
import { createIngest, type IngestEncryption } from './ingest.js';
import { createOutbox, type OutboxEncryption } from './outbox.js';
import { NS_MAM } from '../../xmpp/xep/0313-mam.js';

export type { IncomingCtx, MessageSource } from './ingest.js';
export type { EncryptOutcome } from './outbox.js';

export interface ChatsDeps {
  repo: MessagesRepo;
  transaction(fn: () => void): void;
  connections: ConnectionService;
  events: EventBus;
  log: Logger;
  /** The contact's roster name, if any. */
  contactName(accountId: AccountId, jid: string): string | undefined;
  /** The user's nickname in a room (for their own room messages). */
  roomNick?(accountId: AccountId, room: string): string | undefined;
  /** Whether we are in the room now (room messages wait in the outbox until we are). */
  roomJoined?(accountId: AccountId, room: string): boolean;
  /** Whether this bare JID is a room the user is in (its occupants' private messages are kept apart). */
  isRoom?(accountId: AccountId, jid: string): boolean;
  /** A room's configured name, once known (the chat list titles rooms by it). */
  roomName?(accountId: AccountId, jid: string): string | undefined;
  /** End-to-end encryption (the OMEMO service), late-bound: it plugs into this service. */
  encryption?(): ChatEncryption | undefined;
}

/**
 * What the chat service needs from end-to-end encryption (electron/core/omemo/omemo.ts implements it):
 * `exclusive` (ingest.ts), `encrypt` (outbox.ts), `view` (views.ts), and the choice below.
 */
export interface ChatEncryption extends IngestEncryption, OutboxEncryption, ViewsEncryption {
  /** Whether a new message in this chat is encrypted (looks the contact's devices up if unknown). */
  shouldEncrypt(conv: ConversationRecord): Promise<boolean>;
}

export function createChatService(deps: ChatsDeps) {
  const views = createViews(deps);
  const received = createIngest(deps, views);
  const outbox = createOutbox(deps, views);
  const { conversationView, emitConversation } = views;
  const { ingest } = received;

  function installOn(accountId: AccountId, client: XmppClient) {
    outbox.installOn(accountId, client);
    client.middleware.use(async (ctx: { stanza: Element }, next: () => Promise<unknown>) => {
      const el = ctx.stanza;
      // Archive results are collected by the sync service (they carry a <result/>, no body).
      if (el.is('message') && !el.getChild('result', NS_MAM)) {
        const ownBare = bareOf(client.jid?.toString()) ?? '';
        try {
          await ingest([{ accountId, ownBare, source: 'live', stanza: el }]);
        } catch (err) {
          // Not stored: stream management must not acknowledge it (the server delivers it again).
          if (err instanceof PersistFailure) throw err;
          deps.log.error('incoming message pipeline failed', err);
        }
      }
      return next();
    });
  }

  return {
    installOn,
    flushPending: outbox.flushPending,
    /** Something waiting in the outbox may be able to leave now (e.g. a room was joined). */
    kick: outbox.kick,
    setTrustStanzaIds: received.setTrustStanzaIds,
    ingest,
    pipeline: received.pipeline,
    list: views.list,
    open(accountId: AccountId, peer: string): Result<ConversationView> {
      return ok(conversationView(deps.repo.ensureConversation(accountId, peer)));
    },
    history: views.history,
    /**
     * Something that happened in a room, as a line of its history (a notice: not unread, not notified,
     * nothing anyone can answer, correct or delete).
     */
    notice: received.notice,
    async send(conversationId: string, body: string): Promise<Result<MessageView>> {
      const conv = deps.repo.conversation(conversationId);
      if (!conv) return fail('not-found', 'conversation');
      const nick = conv.kind === 'room' ? deps.roomNick?.(conv.accountId, conv.peer) : undefined;
      const e2e = conv.kind === 'chat' && !conv.peer.includes('/') ? deps.encryption?.() : undefined;
      const encrypted = e2e ? await e2e.shouldEncrypt(conv) : false;
      return ok(outbox.enqueue(conv, body, { ...(nick ? { senderNick: nick } : {}), encrypted }));
    },
    updated: views.updated,
    /** The view of a stored message (for commands that answer with one). */
    viewOf: views.viewOf,
    emitConversation,
    onStored: received.onStored,
    addOutgoingExtra: outbox.addOutgoingExtra,
    /** Send a failed (or stuck) message of ours again, with the same id. */
    retry: outbox.retry,
    /** The user's choice of encryption for new messages in a one-to-one chat. */
    setEncryption(conversationId: string, mode: 'omemo' | 'plain'): Result<ConversationView> {
      const conv = deps.repo.conversation(conversationId);
      if (!conv || conv.kind !== 'chat') return fail('not-found', 'conversation');
      deps.repo.setEncryption(conv.id, mode);
      emitConversation(conv.id);
      return ok(conversationView(deps.repo.conversation(conv.id)!));
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
