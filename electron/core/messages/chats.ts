// One-to-one chats. Incoming: live stanzas, carbons (XEP-0280) and archive pages (XEP-0313) all go
// through one pipeline (parse → store in one transaction per batch → one event per batch).
// Outgoing: stored as pending with its origin-id (XEP-0359) → sent → 'sent' once the server has
// acknowledged it. A message that cannot leave now stays pending in the database and is sent at the
// next sign-in with the same id: never dropped silently, never duplicated at the other end.
import type { Element } from '@xmpp/xml';
import { xml } from '@xmpp/client';
import type { AccountId, ConversationId } from '../../../shared/ids.js';
import { fail, ok, type Result } from '../../../shared/errors.js';
import type { ChatEncryptionView, ConversationView, DeviceTrust, HistoryPageView, MessageView } from '../../../shared/views.js';
import { conversationIdOf, type ConversationRecord, type MessageRecord, type MessagesRepo } from '../../store/messages-repo.js';
import type { ConnectionService } from '../session/connections.js';
import type { EventBus } from '../kernel/events.js';
import type { Logger } from '../../lib/log.js';
import type { XmppClient } from '../../xmpp/client.js';
import { buildChatMessage, buildGroupchatMessage, parseChatMessage } from '../../xmpp/rfc/6121-message.js';
import { newOriginId } from '../../xmpp/xep/0359-stable-ids.js';
import { parseCarbon } from '../../xmpp/xep/0280-carbons.js';
import { bareOf, parseJid } from '../../xmpp/jid.js';
import { NS_MUC_USER } from '../../xmpp/xep/0045-muc.js';
import { CommitFailure, createPipeline } from '../kernel/pipeline.js';
import { PersistFailure } from '../../xmpp/stream-management.js';

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

/** What the chat service needs from end-to-end encryption (electron/core/omemo/omemo.ts implements it). */
export interface ChatEncryption {
  /** Runs fn alone for this account: decryption and encryption both move the same ratchets. */
  exclusive<T>(accountId: AccountId, fn: () => Promise<T>): Promise<T>;
  /** The chat's encryption as the user sees it. */
  view(conv: ConversationRecord): ChatEncryptionView;
  /** Whether a new message in this chat is encrypted (looks the contact's devices up if unknown). */
  shouldEncrypt(conv: ConversationRecord): Promise<boolean>;
  /** The children of an encrypted message (replacing <body/>), or why it cannot be encrypted now. */
  encrypt(accountId: AccountId, peer: string, body: string): Promise<EncryptOutcome>;
}

export type EncryptOutcome =
  | { ok: true; children: Element[] }
  /** transient: try again later (offline, a timeout); otherwise the message fails with `error` in words. */
  | { ok: false; transient: boolean; error: string };

export type MessageSource = 'live' | 'carbon' | 'archive';

export interface IncomingCtx {
  accountId: AccountId;
  ownBare: string;
  source: MessageSource;
  /** The message to interpret (the forwarded one, for carbons and archive results). */
  stanza: Element;
  /** XEP-0313 result id (archive) — the message's id in the archive it came from. */
  archiveId?: string;
  /** The archive a result came from: the user's own bare JID, or a room's JID. */
  archiveJid?: string;
  /** XEP-0297 delay of a forwarded message (epoch ms). */
  forwardedAt?: number;
  /** Older history fetched on request is not "new": it does not count as unread. */
  countUnread?: boolean;
  /** Display position chosen by the sync service for archive pages (see migration 0002). */
  sortKey?: number;
  /** What the parse stages found: the stored message's own fields (MessageRecord), plus where it goes. */
  msg?: Pick<MessageRecord, 'direction' | 'body' | 'timestamp' | 'originId' | 'stanzaId' | 'fromResource' | 'senderNick' | 'encrypted'
    | 'senderDevice' | 'senderTrust' | 'warning' | 'mentionsMe' | 'occupantId'> & {
    peer: string;
    /** Set by the rooms service for group messages. */
    kind?: 'room';
  };
  /** Set by the rooms service on every stanza verified as coming from a room the user is in. */
  room?: { jid: string; occupantIds: boolean; selfOccupantId?: string };
  /**
   * Not a message to store (a room's moderation notice, a retraction): it passes through to the
   * feature stages that act on it, and the store stage skips it.
   */
  notice?: boolean;
  /** An existing message this stanza changed (e.g. retracted): the UI is told after the commit. */
  changed?: MessageRecord;
  /** Set by the decrypt stage: the text of an end-to-end encrypted message ('' if it could not be read). */
  decrypted?: { body: string; senderDevice: number; trust?: DeviceTrust; warning?: string };
  stored?: MessageRecord;
  /** An outgoing message of ours that this stanza confirmed (state changed). */
  confirmed?: MessageRecord;
}

export function createChatService(deps: ChatsDeps) {
  const incoming = createPipeline<IncomingCtx>(deps.transaction, { onStageError: (stage, err) => deps.log.error(`message dropped by a failing ${stage} stage`, err) });

  function messageView(m: MessageRecord, conv: ConversationRecord): MessageView {
    return {
      id: m.id, conversationId: m.conversationId, accountId: conv.accountId, peer: conv.peer, direction: m.direction,
      body: m.body, timestamp: m.timestamp, order: m.sortKey, state: m.state, ...(m.originId ? { originId: m.originId } : {}),
      ...(m.error ? { error: m.error } : {}),
      ...(m.senderNick ? { senderNick: m.senderNick } : {}),
      ...(m.encrypted ? { encrypted: true } : {}),
      ...(m.senderTrust ? { senderTrust: m.senderTrust } : {}),
      // 0 stands for "no usable header" (omemo-messages.ts): not a device anyone can look up.
      ...(m.encrypted && m.direction === 'in' && m.senderDevice ? { senderDevice: m.senderDevice } : {}),
      ...(m.warning ? { warning: m.warning } : {}),
      ...(m.mentionsMe ? { mentionsMe: true } : {}),
      ...(m.notice ? { notice: true } : {}),
      ...(m.retracted ? { retracted: { by: m.retracted.by, at: m.retracted.at, ...(m.retracted.reason ? { reason: m.retracted.reason } : {}) } } : {}),
    };
  }

  function conversationView(c: ConversationRecord): ConversationView {
    const last = deps.repo.lastMessage(c.id);
    // A private chat with a room occupant (XEP-0045 §7.5) is stored as a chat with `room@service/nick`.
    const pm = c.kind === 'chat' ? parseJid(c.peer) : undefined;
    const isPm = !!pm?.resource;
    return {
      id: c.id, kind: isPm ? 'pm' : c.kind, accountId: c.accountId, peer: c.peer,
      title: isPm
        ? `${pm!.resource} (private, in ${deps.roomName?.(c.accountId, pm!.bare) ?? pm!.bare})`
        : (c.kind === 'room' ? deps.roomName?.(c.accountId, c.peer) : undefined) ?? deps.contactName(c.accountId, c.peer) ?? c.peer,
      lastActivity: c.lastActivity, unread: c.unread,
      ...(last ? { lastMessage: { body: last.body.slice(0, 200), direction: last.direction } } : {}),
      ...(c.kind === 'chat' && !c.peer.includes('/') && deps.encryption?.() ? { encryption: deps.encryption()!.view(c) } : {}),
    };
  }

  const emitConversation = (id: string) => {
    const c = deps.repo.conversation(id);
    if (c) deps.events.emit('conversation:updated', conversationView(c));
  };

  // unwrap: carbons (XEP-0280), refusing forged ones, so every later stage sees the real message.
  incoming.use({
    name: 'unwrap',
    run(ctx) {
      if (ctx.source !== 'live') return true;
      const carbon = parseCarbon(ctx.stanza, ctx.ownBare);
      if (carbon?.forged) {
        deps.log.warn(`dropped a forged carbon: ${carbon.reason}`);
        return false;
      }
      if (carbon) {
        ctx.source = 'carbon';
        ctx.stanza = carbon.inner;
      }
      return true;
    },
  });

  // parse: read the chat message in either direction.
  incoming.use({
    name: 'parse',
    run(ctx) {
      if (ctx.msg || ctx.notice) return true; // already read by a feature (a room message or notice)
      // A 1:1 message from an archive counts only from the user's own archive: a room's archive
      // cannot speak for anyone's private chats (or confirm our outbox).
      if (ctx.source === 'archive' && ctx.archiveJid !== ctx.ownBare) return false;
      // XEP-0359 §4: a stanza-id is only meaningful when the server says it adds them; otherwise the
      // sender could have put one there. Archive results carry the archive's own id instead.
      const chat = parseChatMessage(ctx.stanza, trustStanzaIds.has(ctx.accountId) ? ctx.ownBare : '', ctx.decrypted ? { body: ctx.decrypted.body } : undefined);
      if (!chat) return false;
      const outgoing = chat.from === ctx.ownBare;
      // A live (non-carbon) message claiming to be from ourselves is a self-message or a spoof: skip.
      if (outgoing && ctx.source === 'live') return false;
      // From a room we are in: its own notices (invitations, status) are not chats, and a private
      // message from an occupant is a chat with that occupant (room/nick), never the public room.
      const isRoom = (jid: string | undefined) => !!jid && !!deps.isRoom?.(ctx.accountId, jid);
      if (!outgoing && isRoom(chat.from) && !chat.fromResource) return false;
      const to = parseJid(ctx.stanza.attrs.to);
      const peer = outgoing
        ? to && isRoom(to.bare) && to.resource ? `${to.bare}/${to.resource}` : to?.bare
        : isRoom(chat.from) ? `${chat.from}/${chat.fromResource}` : chat.from;
      if (!peer || peer === ctx.ownBare) return false;
      ctx.msg = {
        direction: outgoing ? 'out' : 'in',
        peer,
        body: chat.body,
        // A sender's clock (or a forged delay) must not put a message in the future.
        timestamp: Math.min(chat.delayedAt ?? ctx.forwardedAt ?? Date.now(), Date.now()),
        // De-duplication by XEP-0359 ids only: plain stanza ids are reused by some clients and bots.
        // Our own messages (carbons, archive) carry the origin-id we gave them, equal to their id.
        ...(chat.originId ?? (outgoing ? chat.id : undefined) ? { originId: (chat.originId ?? chat.id)! } : {}),
        ...(ctx.archiveId ?? chat.stanzaId ? { stanzaId: (ctx.archiveId ?? chat.stanzaId)! } : {}),
        ...(chat.fromResource && !outgoing ? { fromResource: chat.fromResource } : {}),
        ...(ctx.decrypted
          ? {
              encrypted: true, senderDevice: ctx.decrypted.senderDevice,
              ...(ctx.decrypted.trust && !outgoing ? { senderTrust: ctx.decrypted.trust } : {}),
              ...(ctx.decrypted.warning ? { warning: ctx.decrypted.warning } : {}),
            }
          : {}),
      };
      return true;
    },
  });

  // store: inside the batch transaction. Duplicates (same origin-id / archive id) are not stored
  // again; our own messages coming back confirm that the server has them.
  incoming.use({
    name: 'store',
    run(ctx) {
      if (ctx.notice) return true; // nothing to store: a later stage acts on it
      const m = ctx.msg!;
      if (m.direction === 'out' && m.originId) {
        const existing = deps.repo.outgoingByOriginId(ctx.accountId, m.originId);
        if (existing) {
          ctx.confirmed = deps.repo.confirmOutgoing(ctx.accountId, m.originId, m.stanzaId);
          return !!ctx.confirmed;
        }
      }
      const stored = deps.repo.add(ctx.accountId, m.peer, {
        conversationId: '' as ConversationId, direction: m.direction, body: m.body, timestamp: m.timestamp,
        state: m.direction === 'out' ? 'sent' : 'received',
        ...(m.originId ? { originId: m.originId } : {}), ...(m.stanzaId ? { stanzaId: m.stanzaId } : {}),
        ...(m.fromResource ? { fromResource: m.fromResource } : {}),
        ...(m.senderNick ? { senderNick: m.senderNick } : {}),
        ...(m.encrypted ? { encrypted: true } : {}),
        ...(m.senderDevice !== undefined ? { senderDevice: m.senderDevice } : {}),
        ...(m.senderTrust ? { senderTrust: m.senderTrust } : {}),
        ...(m.warning ? { warning: m.warning } : {}),
        ...(m.mentionsMe ? { mentionsMe: true } : {}),
        ...(m.occupantId ? { occupantId: m.occupantId } : {}),
        // Shown in the order the server delivered them: a redelivered or delayed message carries an
        // older (often whole-second) stamp, which is its time, not its place in the conversation.
        // A live one goes after everything shown (the repository makes sure of it).
        sortKey: ctx.sortKey ?? Date.now(),
      }, { countUnread: ctx.countUnread !== false, atEnd: ctx.sortKey === undefined, ...(m.kind ? { kind: m.kind } : {}) });
      if (!stored) return false;
      ctx.stored = stored;
      return true;
    },
  });

  /** Run a batch through the pipeline and tell the UI once. */
  async function ingest(batch: IncomingCtx[]): Promise<IncomingCtx[]> {
    let done: IncomingCtx[];
    const accountId = batch[0]?.accountId;
    const e2e = deps.encryption?.();
    try {
      done = e2e && accountId ? await e2e.exclusive(accountId, () => incoming.run(batch)) : await incoming.run(batch);
    } catch (err) {
      if (err instanceof CommitFailure) throw new PersistFailure('could not store received messages', { cause: err });
      throw err;
    }
    const added: MessageView[] = [];
    const convs = new Set<string>();
    // A message stored and then changed in the same batch (retracted further down the same archive
    // page) is told once, as it is now: never its old text after its tombstone.
    const latest = new Map(done.flatMap((c) => (c.changed ? [[c.changed.id, c.changed] as const] : [])));
    for (const ctx of done) if (ctx.stored && latest.has(ctx.stored.id)) ctx.stored = latest.get(ctx.stored.id);
    const storedNow = new Set(done.flatMap((c) => (c.stored ? [c.stored.id] : [])));
    for (const ctx of done) {
      const rec = ctx.stored ?? ctx.confirmed ?? ctx.changed;
      const conv = rec && deps.repo.conversation(rec.conversationId);
      if (!rec || !conv) continue;
      if (ctx.stored) added.push(messageView(rec, conv));
      else if (!storedNow.has(rec.id)) deps.events.emit('message:updated', messageView(rec, conv));
      convs.add(conv.id);
    }
    if (added.length) deps.events.emit('message:added', added);
    for (const id of convs) emitConversation(id);
    for (const ctx of done) if (ctx.stored) for (const hook of storedHooks) hook(ctx);
    return done;
  }

  /** Features that act on a message once it is safely stored (receipts…). */
  const storedHooks: ((ctx: IncomingCtx) => void)[] = [];
  /** Features that add children to our outgoing chat messages. */
  const outgoingExtras: (() => Element)[] = [];

  function updated(rec: MessageRecord | undefined) {
    const conv = rec && deps.repo.conversation(rec.conversationId);
    if (rec && conv) deps.events.emit('message:updated', messageView(rec, conv));
  }

  function markSent(accountId: AccountId, originId: string) {
    const m = deps.repo.outgoingByOriginId(accountId, originId);
    if (!m || m.state !== 'pending') return;
    const updated = deps.repo.setState(m.id, 'sent');
    const conv = deps.repo.conversation(m.conversationId);
    if (updated && conv) deps.events.emit('message:updated', messageView(updated, conv));
  }

  function installOn(accountId: AccountId, client: XmppClient) {
    // A new session on this client (not a resume): nothing of the old stream counts as written.
    client.on('online', () => written.delete(client));
    client.sm.on('acked', (stanzas: Element[]) => {
      for (const el of stanzas) if (el.name === 'message' && el.attrs.id) markSent(accountId, el.attrs.id as string);
    });
    client.middleware.use(async (ctx: { stanza: Element }, next: () => Promise<unknown>) => {
      const el = ctx.stanza;
      // Archive results are collected by the sync service (they carry a <result/>, no body).
      if (el.is('message') && !el.getChild('result', 'urn:xmpp:mam:2')) {
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

  /**
   * The outbox, one worker per account: pending messages leave strictly in the order they were
   * written (a message typed during an outage never overtakes an older one), each exactly once per
   * stream. A message stays 'pending' until the server has acknowledged it (XEP-0198), or — on a
   * server without stream management — until a ping sent after it is answered, which on one ordered
   * stream proves the server received the message first.
   */
  const workers = new Map<AccountId, Promise<void>>();
  const rerun = new Set<AccountId>();
  /** Origin-ids written on the current session of each client (a failed resume starts a new one). */
  const written = new WeakMap<XmppClient, Set<string>>();

  function kick(accountId: AccountId): void {
    if (workers.has(accountId)) {
      rerun.add(accountId);
      return;
    }
    const run = (async () => {
      do {
        rerun.delete(accountId);
        const client = deps.connections.client(accountId);
        if (!client) return;
        let ids = written.get(client);
        if (!ids) written.set(client, (ids = new Set(client.sm.unacked().map((el) => el.attrs.id as string))));
        for (const m of deps.repo.pendingOutgoing(accountId)) {
          if (ids.has(m.originId)) continue;
          const conv = deps.repo.conversation(m.conversationId);
          if (!conv || deps.connections.client(accountId) !== client) break;
          if (conv.kind === 'room' && !deps.roomJoined?.(accountId, conv.peer)) continue;
          // A private message to an occupant leaves only while we are in that room (XEP-0045 §7.5).
          const pmRoom = conv.kind === 'chat' && conv.peer.includes('/') ? bareOf(conv.peer) : undefined;
          if (pmRoom && !deps.roomJoined?.(accountId, pmRoom)) continue;
          try {
            let encrypted: Element[] | undefined;
            if (m.encrypted) {
              // Never plain text in its place (ARCHITECTURE.md): it waits, or fails in words.
              const e2e = deps.encryption?.();
              const out: EncryptOutcome = e2e ? await e2e.encrypt(accountId, conv.peer, m.body) : { ok: false, transient: true, error: 'encryption is not available' };
              if (!out.ok) {
                if (out.transient) {
                  deps.log.info(`encrypted send deferred: ${out.error}`);
                  break;
                }
                updated(deps.repo.setState(m.id, 'failed', out.error));
                continue;
              }
              encrypted = out.children;
            }
            // The same client object reconnects: after an await (encryption above) the stream may be
            // gone, or a new one may be half-way through TLS/SASL. Writing a stanza into that corrupts
            // the stream (Prosody: not-well-formed). It stays pending; flushPending runs once online.
            if (deps.connections.client(accountId) !== client || client.status !== 'online') break;
            await client.send(
              conv.kind === 'room'
                ? buildGroupchatMessage({ to: conv.peer, body: m.body, id: m.originId })
                : encrypted
                  ? buildChatMessage({ to: conv.peer, id: m.originId }, [...encrypted, ...outgoingExtras.map((f) => f())])
                  : buildChatMessage({ to: conv.peer, body: m.body, id: m.originId }, [
                    ...outgoingExtras.map((f) => f()),
                    // XEP-0045 §7.5: a private message carries <x xmlns='…muc#user'/>, so it is treated as one (XEP-0280 does not copy it).
                    ...(pmRoom ? [xml('x', { xmlns: NS_MUC_USER })] : []),
                  ]),
            );
            ids.add(m.originId);
            if (!client.sm.tracking) {
              await client.iqCaller.request(xml('iq', { type: 'get', to: client.options.domain }, xml('ping', { xmlns: 'urn:xmpp:ping' })), 30_000);
              markSent(accountId, m.originId);
            }
          } catch (err) {
            // Still pending in the database: it goes out on the next stream, with the same id.
            deps.log.info(`send deferred: ${(err as Error).message}`);
            break;
          }
        }
      } while (rerun.has(accountId));
    })().finally(() => workers.delete(accountId));
    workers.set(accountId, run);
  }

  /** After a session starts or resumes: whatever is still pending goes out, in order. */
  async function flushPending(accountId: AccountId) {
    kick(accountId);
    await workers.get(accountId);
  }

  /** Servers that announce XEP-0359/0313 add stanza-ids we can trust; others may pass forged ones. */
  const trustStanzaIds = new Set<AccountId>();

  return {
    installOn,
    flushPending,
    /** Something waiting in the outbox may be able to leave now (e.g. a room was joined). */
    kick,
    setTrustStanzaIds(accountId: AccountId, trust: boolean) {
      if (trust) trustStanzaIds.add(accountId);
      else trustStanzaIds.delete(accountId);
    },
    ingest,
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
    /**
     * Something that happened in a room, as a line of its history (a notice: not unread, not notified,
     * nothing anyone can answer, correct or delete).
     */
    notice(accountId: AccountId, roomJid: string, text: string, at = Date.now()): void {
      const stored = deps.repo.add(accountId, roomJid, {
        conversationId: conversationIdOf(accountId, roomJid), direction: 'in', body: text, timestamp: at, state: 'received', notice: true,
      }, { countUnread: false, kind: 'room' });
      const conv = stored && deps.repo.conversation(stored.conversationId);
      if (!stored || !conv) return;
      deps.events.emit('message:added', [messageView(stored, conv)]);
      emitConversation(conv.id);
    },
    async send(conversationId: string, body: string): Promise<Result<MessageView>> {
      const conv = deps.repo.conversation(conversationId);
      if (!conv) return fail('not-found', 'conversation');
      const nick = conv.kind === 'room' ? deps.roomNick?.(conv.accountId, conv.peer) : undefined;
      const e2e = conv.kind === 'chat' && !conv.peer.includes('/') ? deps.encryption?.() : undefined;
      const encrypted = e2e ? await e2e.shouldEncrypt(conv) : false;
      const stored = deps.repo.add(conv.accountId, conv.peer, {
        conversationId: conv.id, direction: 'out', body, timestamp: Date.now(), state: 'pending', originId: newOriginId(),
        ...(nick ? { senderNick: nick } : {}),
        ...(encrypted ? { encrypted: true } : {}),
      }, { kind: conv.kind })!;
      const view = messageView(stored, conv);
      deps.events.emit('message:added', [view]);
      emitConversation(conv.id);
      kick(conv.accountId);
      return ok(view);
    },
    updated,
    /** The view of a stored message (for commands that answer with one). */
    viewOf(rec: MessageRecord): MessageView | undefined {
      const conv = deps.repo.conversation(rec.conversationId);
      return conv && messageView(rec, conv);
    },
    emitConversation,
    onStored: (hook: (ctx: IncomingCtx) => void) => void storedHooks.push(hook),
    addOutgoingExtra: (make: () => Element) => void outgoingExtras.push(make),
    /** Send a failed (or stuck) message of ours again, with the same id. */
    async retry(messageId: string): Promise<Result<MessageView>> {
      const m = deps.repo.get(messageId);
      const conv = m && deps.repo.conversation(m.conversationId);
      if (!m || !conv || m.direction !== 'out') return fail('not-found', 'message');
      if (m.state !== 'failed' && m.state !== 'pending') return ok(messageView(m, conv));
      const again = deps.repo.setState(m.id, 'pending')!;
      updated(again);
      // A failed message was written on this stream before: write it again. A pending one that the
      // server has not acknowledged yet is still on its way: leave it.
      const client = deps.connections.client(conv.accountId);
      const inFlight = client?.sm.unacked().some((el) => el.attrs.id === m.originId);
      if (client && !inFlight && m.originId) written.get(client)?.delete(m.originId);
      kick(conv.accountId);
      return ok(messageView(again, conv));
    },
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
