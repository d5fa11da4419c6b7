// The receive side of the message path, shared by 1:1 chats, rooms, archive sync, OMEMO, receipts and
// retraction (ARCHITECTURE.md "The message pipeline"): it hosts the one ordered pipeline every incoming
// message runs through and its own stages — unwrap (carbons, XEP-0280), parse (RFC 6121 messages with
// XEP-0359 ids) and store — runs a batch (a live stanza, or an archive page from XEP-0313) in one
// transaction, and tells the window once per batch after the commit. Persist, then acknowledge: a batch
// that could not be stored fails with PersistFailure, so XEP-0198 does not acknowledge it.
import type { Element } from '@xmpp/xml';
import type { AccountId, ConversationId } from '../../../shared/ids.js';
import type { DeviceTrust, MessageView } from '../../../shared/views.js';
import type { MessageWarning, RoomNotice } from '../../../shared/notices.js';
import { conversationIdOf, type MessageRecord, type MessagesRepo } from '../../store/messages-repo.js';
import type { EventBus } from '../kernel/index.js';
import type { Logger } from '../../lib/log.js';
import { parseChatMessage } from '../../xmpp/rfc/6121-message.js';
import { parseCarbon } from '../../xmpp/xep/0280-carbons.js';
import { parseJid } from '../../xmpp/jid.js';
import { CommitFailure, createPipeline } from '../kernel/index.js';
import { PersistFailure } from '../../xmpp/stream-management.js';
import type { Views } from './views.js';

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
  msg?: Pick<
    MessageRecord,
    | 'direction'
    | 'body'
    | 'timestamp'
    | 'originId'
    | 'stanzaId'
    | 'fromResource'
    | 'senderNick'
    | 'encrypted'
    | 'senderDevice'
    | 'senderTrust'
    | 'warning'
    | 'mentionsMe'
    | 'occupantId'
  > & {
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
  decrypted?: { body: string; senderDevice: number; trust?: DeviceTrust; warning?: MessageWarning };
  stored?: MessageRecord;
  /** An outgoing message of ours that this stanza confirmed (state changed). */
  confirmed?: MessageRecord;
}

/** What receiving needs from end-to-end encryption (part of ChatEncryption in chats.ts). */
export interface IngestEncryption {
  /** Runs fn alone for this account: decryption and encryption both move the same ratchets. */
  exclusive<T>(accountId: AccountId, fn: () => Promise<T>): Promise<T>;
}

export interface IngestDeps {
  repo: MessagesRepo;
  transaction(fn: () => void): void;
  events: EventBus;
  log: Logger;
  /** Whether this bare JID is a room the user is in (its occupants' private messages are kept apart). */
  isRoom?(accountId: AccountId, jid: string): boolean;
  /** End-to-end encryption, late-bound. */
  encryption?(): IngestEncryption | undefined;
}

export function createIngest(deps: IngestDeps, views: Views) {
  const { messageView, emitConversation } = views;
  const incoming = createPipeline<IncomingCtx>(deps.transaction, {
    onStageError: (stage, err) => deps.log.error(`message dropped by a failing ${stage} stage`, err),
  });

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
      const chat = parseChatMessage(
        ctx.stanza,
        trustStanzaIds.has(ctx.accountId) ? ctx.ownBare : '',
        ctx.decrypted ? { body: ctx.decrypted.body } : undefined,
      );
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
        ? to && isRoom(to.bare) && to.resource
          ? `${to.bare}/${to.resource}`
          : to?.bare
        : isRoom(chat.from)
          ? `${chat.from}/${chat.fromResource}`
          : chat.from;
      if (!peer || peer === ctx.ownBare) return false;
      ctx.msg = {
        direction: outgoing ? 'out' : 'in',
        peer,
        body: chat.body,
        // A sender's clock (or a forged delay) must not put a message in the future.
        timestamp: Math.min(chat.delayedAt ?? ctx.forwardedAt ?? Date.now(), Date.now()),
        // De-duplication by XEP-0359 ids only: plain stanza ids are reused by some clients and bots.
        // Our own messages (carbons, archive) carry the origin-id we gave them, equal to their id.
        ...((chat.originId ?? (outgoing ? chat.id : undefined)) ? { originId: (chat.originId ?? chat.id)! } : {}),
        ...((ctx.archiveId ?? chat.stanzaId) ? { stanzaId: (ctx.archiveId ?? chat.stanzaId)! } : {}),
        ...(chat.fromResource && !outgoing ? { fromResource: chat.fromResource } : {}),
        ...(ctx.decrypted
          ? {
              encrypted: true,
              senderDevice: ctx.decrypted.senderDevice,
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
      const stored = deps.repo.add(
        ctx.accountId,
        m.peer,
        {
          conversationId: '' as ConversationId,
          direction: m.direction,
          body: m.body,
          timestamp: m.timestamp,
          state: m.direction === 'out' ? 'sent' : 'received',
          ...(m.originId ? { originId: m.originId } : {}),
          ...(m.stanzaId ? { stanzaId: m.stanzaId } : {}),
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
        },
        { countUnread: ctx.countUnread !== false, atEnd: ctx.sortKey === undefined, ...(m.kind ? { kind: m.kind } : {}) },
      );
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

  /** Servers that announce XEP-0359/0313 add stanza-ids we can trust; others may pass forged ones. */
  const trustStanzaIds = new Set<AccountId>();

  return {
    ingest,
    pipeline: incoming,
    setTrustStanzaIds(accountId: AccountId, trust: boolean) {
      if (trust) trustStanzaIds.add(accountId);
      else trustStanzaIds.delete(accountId);
    },
    onStored: (hook: (ctx: IncomingCtx) => void) => void storedHooks.push(hook),
    /**
     * Something that happened in a room, as a line of its history (a notice: not unread, not notified,
     * nothing anyone can answer, correct or delete). Stored as what happened; the window words it.
     */
    notice(accountId: AccountId, roomJid: string, notice: RoomNotice, at = Date.now()): void {
      const stored = deps.repo.add(
        accountId,
        roomJid,
        {
          conversationId: conversationIdOf(accountId, roomJid),
          direction: 'in',
          body: '',
          timestamp: at,
          state: 'received',
          notice,
        },
        { countUnread: false, kind: 'room' },
      );
      const conv = stored && deps.repo.conversation(stored.conversationId);
      if (!stored || !conv) return;
      deps.events.emit('message:added', [messageView(stored, conv)]);
      emitConversation(conv.id);
    },
  };
}
export type Ingest = ReturnType<typeof createIngest>;
