// conversations and messages tables. Conversation ids are `<accountId>|<peer>`: stable and unique.
import { randomUUID } from 'node:crypto';
import type { Db } from './db.js';
import type { AccountId, BareJid, ConversationId, MessageId } from '../../shared/ids.js';
import type { DeliveryState, DeviceTrust, MessageDirection } from '../../shared/views.js';
import {
  readMessageWarning,
  readRoomNotice,
  readSendFailure,
  type MessageWarning,
  type RoomNotice,
  type SendFailure,
} from '../../shared/notices.js';

export interface ConversationRecord {
  id: ConversationId;
  accountId: AccountId;
  peer: BareJid;
  lastActivity: number;
  unread: number;
  kind: 'chat' | 'room';
  /** The user's choice for new messages; undefined = automatic (OMEMO when the contact has devices). */
  encryption?: 'omemo' | 'plain';
}
export interface MessageRecord {
  seq: number;
  id: MessageId;
  conversationId: ConversationId;
  direction: MessageDirection;
  body: string;
  timestamp: number;
  state: DeliveryState;
  originId?: string;
  stanzaId?: string;
  fromResource?: string;
  /** Display order (see migration 0002); defaults to the timestamp. */
  sortKey: number;
  /** Why it was not sent (our messages in state 'failed'; migration 0014: a value, worded by the window). */
  error?: SendFailure;
  /** In a room: who wrote it. */
  senderNick?: string;
  /** Travelled end-to-end encrypted (OMEMO). */
  encrypted?: boolean;
  /** OMEMO device of the sender, and its trust when the message arrived. */
  senderDevice?: number;
  senderTrust?: DeviceTrust;
  /** What the user must know about this message (migration 0013: a value, worded by the window). */
  warning?: MessageWarning;
  /** A room message mentioning the user's nickname (migration 0007). */
  mentionsMe?: boolean;
  /** XEP-0421 id of a room message's author, when the room vouches for it (migration 0008). */
  occupantId?: string;
  /**
   * Not a message but what happened in a room (migration 0009; a value worded by the window since 0013,
   * the body is ''): never unread or notified.
   */
  notice?: RoomNotice;
  /** Deleted for everyone (XEP-0424/0425, migration 0008): the body is ''. */
  retracted?: { by: 'sender' | 'moderator'; at: number; reason?: string };
}
export type NewMessage = Omit<MessageRecord, 'seq' | 'id' | 'sortKey' | 'error' | 'retracted'> & { sortKey?: number };
/** One of our messages still in the outbox: it leaves (and leaves again) with its XEP-0359 origin-id. */
export type PendingOutgoing = MessageRecord & { originId: string };

interface ConvRow {
  id: string;
  account_id: string;
  peer: string;
  last_activity: number;
  unread: number;
  kind: string;
  encryption: string | null;
}
interface MsgRow {
  seq: number;
  id: string;
  conversation_id: string;
  direction: string;
  body: string;
  timestamp: number;
  state: string;
  origin_id: string | null;
  stanza_id: string | null;
  from_resource: string | null;
  sort_key: number | null;
  error: string | null;
  error_data?: string | null;
  sender_nick: string | null;
  encrypted: number;
  sender_device: number | null;
  sender_trust: string | null;
  warning_data: string | null;
  mentions_me?: number;
  notice?: number;
  notice_data?: string | null;
  occupant_id?: string | null;
  retracted_at?: number | null;
  retracted_by?: string | null;
  retraction_reason?: string | null;
}

const convFromRow = (r: ConvRow): ConversationRecord => ({
  id: r.id as ConversationId,
  accountId: r.account_id as AccountId,
  peer: r.peer as BareJid,
  lastActivity: r.last_activity,
  unread: r.unread,
  kind: r.kind === 'room' ? 'room' : 'chat',
  ...(r.encryption === 'omemo' || r.encryption === 'plain' ? { encryption: r.encryption } : {}),
});
const msgFromRow = (r: MsgRow): MessageRecord => ({
  seq: r.seq,
  id: r.id as MessageId,
  conversationId: r.conversation_id as ConversationId,
  direction: r.direction as MessageDirection,
  body: r.body,
  timestamp: r.timestamp,
  state: r.state as DeliveryState,
  ...(r.origin_id ? { originId: r.origin_id } : {}),
  ...(r.stanza_id ? { stanzaId: r.stanza_id } : {}),
  ...(r.from_resource ? { fromResource: r.from_resource } : {}),
  sortKey: r.sort_key ?? r.timestamp,
  ...(r.error_data ? { error: readSendFailure(r.error_data) } : r.error ? { error: { kind: 'legacy' as const, text: r.error } } : {}),
  ...(r.sender_nick ? { senderNick: r.sender_nick } : {}),
  ...(r.encrypted ? { encrypted: true } : {}),
  ...(r.sender_device !== null ? { senderDevice: r.sender_device } : {}),
  ...(r.sender_trust ? { senderTrust: r.sender_trust as DeviceTrust } : {}),
  ...(r.warning_data ? { warning: readMessageWarning(r.warning_data) } : {}),
  ...(r.mentions_me ? { mentionsMe: true } : {}),
  ...(r.notice ? { notice: readRoomNotice(r.notice_data ?? '') } : {}),
  ...(r.occupant_id ? { occupantId: r.occupant_id } : {}),
  ...(r.retracted_at != null
    ? {
        retracted: {
          by: r.retracted_by === 'moderator' ? ('moderator' as const) : ('sender' as const),
          at: r.retracted_at,
          ...(r.retraction_reason ? { reason: r.retraction_reason } : {}),
        },
      }
    : {}),
});

export const conversationIdOf = (accountId: string, peer: string) => `${accountId}|${peer}` as ConversationId;

/**
 * "Their messages": what the other side wrote. A room notice (migration 0009) is stored as incoming
 * but is nobody's message: never unread, never what a read marker points at.
 */
const THEIRS = `direction = 'in' AND notice = 0`;

/**
 * The smallest step between two sort keys (milliseconds). Sort keys are epoch milliseconds, where a
 * double still resolves about a quarter of a microsecond, so a thousandth is safely distinct.
 */
export const SORT_STEP = 0.001;

export function createMessagesRepo(db: Db) {
  const getConv = db.prepare<[string], ConvRow>('SELECT * FROM conversations WHERE id = ?');
  // A conversation first seen as a chat (e.g. an invitation from the room) becomes a room once joined.
  const insertConv = db.prepare(`INSERT INTO conversations (id, account_id, peer, last_activity, unread, kind) VALUES (?, ?, ?, ?, 0, ?)
    ON CONFLICT (id) DO UPDATE SET kind = excluded.kind WHERE excluded.kind = 'room'`);
  const insertMsg =
    db.prepare(`INSERT OR IGNORE INTO messages (id, conversation_id, direction, body, timestamp, state, origin_id, stanza_id, from_resource, sort_key, sender_nick,
      encrypted, sender_device, sender_trust, warning_data, mentions_me, notice, notice_data)
    VALUES (@id, @conversation_id, @direction, @body, @timestamp, @state, @origin_id, @stanza_id, @from_resource, @sort_key, @sender_nick,
      @encrypted, @sender_device, @sender_trust, @warning_data, @mentions_me, @notice, @notice_data)`);
  const setOccupantId = db.prepare('UPDATE messages SET occupant_id = ? WHERE id = ?');
  const maxSortKey = db.prepare<[string], { k: number | null }>('SELECT max(sort_key) AS k FROM messages WHERE conversation_id = ?');
  const sortKeyByStanzaId = db.prepare<
    [string, string],
    { sort_key: number }
  >(`SELECT m.sort_key FROM messages m JOIN conversations c ON c.id = m.conversation_id
    WHERE c.account_id = ? AND m.stanza_id = ?`);
  const sortKeyByOwnOriginId = db.prepare<
    [string, string],
    { sort_key: number }
  >(`SELECT m.sort_key FROM messages m JOIN conversations c ON c.id = m.conversation_id
    WHERE c.account_id = ? AND m.direction = 'out' AND m.origin_id = ?`);
  // By the same (conversation, direction, origin-id) as the index that makes a second copy a duplicate.
  const sortKeyByTheirOriginId = db.prepare<[string, string], { sort_key: number }>(`SELECT sort_key FROM messages
    WHERE conversation_id = ? AND direction = 'in' AND origin_id = ?`);
  const getMsg = db.prepare<[string], MsgRow>('SELECT * FROM messages WHERE id = ?');

  /**
   * The write-ahead log still holds the page images that carried a retracted text: once the current
   * transaction is over, copy the log into the file and empty it (secure_delete zeroes what the copy
   * frees). Retractions are rare, so the cost of a full checkpoint does not matter.
   */
  let scrubbing = false;
  function scrubSoon() {
    if (scrubbing) return;
    scrubbing = true;
    setImmediate(() => {
      scrubbing = false;
      if (!db.open) return;
      if (db.inTransaction) return scrubSoon();
      db.pragma('wal_checkpoint(TRUNCATE)');
    });
  }

  function ensureConversation(accountId: string, peer: string, now = Date.now(), kind: 'chat' | 'room' = 'chat'): ConversationRecord {
    const id = conversationIdOf(accountId, peer);
    insertConv.run(id, accountId, peer, now, kind);
    return convFromRow(getConv.get(id)!);
  }

  return {
    ensureConversation,
    conversation: (id: string) => {
      const r = getConv.get(id);
      return r && convFromRow(r);
    },
    setEncryption: (id: string, mode: 'omemo' | 'plain' | undefined) =>
      void db.prepare('UPDATE conversations SET encryption = ? WHERE id = ?').run(mode ?? null, id),
    conversations: (): ConversationRecord[] =>
      db.prepare<[], ConvRow>('SELECT * FROM conversations ORDER BY last_activity DESC').all().map(convFromRow),
    /** The newest message in a conversation for its preview: what someone wrote (a notice has no text of its own). */
    lastMessage(conversationId: string): MessageRecord | undefined {
      const r = db
        .prepare<[string], MsgRow>(
          'SELECT * FROM messages WHERE conversation_id = ? AND notice = 0 ORDER BY sort_key DESC, seq DESC LIMIT 1',
        )
        .get(conversationId);
      return r && msgFromRow(r);
    },
    /**
     * Store a message unless it is already there (same origin-id or stanza-id in the conversation):
     * returns the stored record, or undefined for a duplicate. Updates activity and unread together,
     * in one transaction.
     */
    add: db.transaction(
      (
        accountId: string,
        peer: string,
        m: NewMessage,
        opts?: { countUnread?: boolean; kind?: 'chat' | 'room'; atEnd?: boolean },
      ): MessageRecord | undefined => {
        const conv = ensureConversation(accountId, peer, m.timestamp, opts?.kind);
        const id = randomUUID();
        // A message that happens now (sent, received live, a room notice) goes after everything the
        // conversation already shows: archived messages before it may carry the server's clock, ahead of
        // ours, and must never end up after it.
        let sortKey = m.sortKey ?? m.timestamp;
        if (m.sortKey === undefined || opts?.atEnd) sortKey = Math.max(sortKey, (maxSortKey.get(conv.id)?.k ?? -Infinity) + SORT_STEP);
        const res = insertMsg.run({
          id,
          conversation_id: conv.id,
          direction: m.direction,
          body: m.body,
          timestamp: m.timestamp,
          state: m.state,
          origin_id: m.originId ?? null,
          stanza_id: m.stanzaId ?? null,
          from_resource: m.fromResource ?? null,
          sort_key: sortKey,
          sender_nick: m.senderNick ?? null,
          encrypted: m.encrypted ? 1 : 0,
          sender_device: m.senderDevice ?? null,
          sender_trust: m.senderTrust ?? null,
          warning_data: m.warning ? JSON.stringify(m.warning) : null,
          mentions_me: m.mentionsMe ? 1 : 0,
          notice: m.notice ? 1 : 0,
          notice_data: m.notice ? JSON.stringify(m.notice) : null,
        });
        if (res.changes === 0) return undefined;
        if (m.occupantId) setOccupantId.run(m.occupantId, id);
        db.prepare('UPDATE conversations SET last_activity = max(last_activity, ?), unread = unread + ? WHERE id = ?').run(
          m.timestamp,
          m.direction === 'in' && opts?.countUnread !== false ? 1 : 0,
          conv.id,
        );
        return msgFromRow(getMsg.get(id)!);
      },
    ),
    /**
     * A page of history in display order, strictly before `beforeId` (by sort key, then arrival); with
     * `afterId`, the page strictly after it, and `hasMore` says whether newer messages follow.
     */
    history(conversationId: string, limit: number, beforeId?: string, afterId?: string): { messages: MessageRecord[]; hasMore: boolean } {
      const after = afterId ? getMsg.get(afterId) : undefined;
      if (after) {
        const at = after.sort_key ?? after.timestamp;
        const newer = db
          .prepare<[string, number, number, number, number], MsgRow>(
            `SELECT * FROM messages WHERE conversation_id = ?
            AND (sort_key > ? OR (sort_key = ? AND seq > ?)) ORDER BY sort_key ASC, seq ASC LIMIT ?`,
          )
          .all(conversationId, at, at, after.seq, limit + 1);
        return { messages: newer.slice(0, limit).map(msgFromRow), hasMore: newer.length > limit };
      }
      const anchor = beforeId ? getMsg.get(beforeId) : undefined;
      const t = anchor ? (anchor.sort_key ?? anchor.timestamp) : Number.MAX_VALUE;
      const seq = anchor?.seq ?? Number.MAX_SAFE_INTEGER;
      const rows = db
        .prepare<[string, number, number, number, number], MsgRow>(
          `SELECT * FROM messages WHERE conversation_id = ?
          AND (sort_key < ? OR (sort_key = ? AND seq < ?)) ORDER BY sort_key DESC, seq DESC LIMIT ?`,
        )
        .all(conversationId, t, t, seq, limit + 1);
      const hasMore = rows.length > limit;
      return { messages: rows.slice(0, limit).reverse().map(msgFromRow), hasMore };
    },
    /** The newest message they sent in a conversation (for read markers; a room notice is nobody's message). */
    lastIncoming(conversationId: string): MessageRecord | undefined {
      const r = db
        .prepare<[string], MsgRow>(
          `SELECT * FROM messages WHERE conversation_id = ? AND ${THEIRS}
        ORDER BY sort_key DESC, seq DESC LIMIT 1`,
        )
        .get(conversationId);
      return r && msgFromRow(r);
    },
    /** The oldest message of a conversation that has an archive id: where older archive pages start. */
    oldestArchived(conversationId: string): MessageRecord | undefined {
      const r = db
        .prepare<[string], MsgRow>(
          `SELECT * FROM messages WHERE conversation_id = ? AND stanza_id IS NOT NULL
        ORDER BY sort_key ASC, seq ASC LIMIT 1`,
        )
        .get(conversationId);
      return r && msgFromRow(r);
    },
    /** The sort key of the message with this archive id, if we have it. */
    sortKeyOfArchiveId: (accountId: string, stanzaId: string): number | undefined => sortKeyByStanzaId.get(accountId, stanzaId)?.sort_key,
    /** The sort key of our own message with this origin-id, if we have it. */
    sortKeyOfOwnOriginId: (accountId: string, originId: string): number | undefined =>
      sortKeyByOwnOriginId.get(accountId, originId)?.sort_key,
    /** The sort key of their message with this origin-id (XEP-0359, given by its sender) in a conversation, if we have it. */
    sortKeyOfTheirOriginId: (conversationId: string, originId: string): number | undefined =>
      sortKeyByTheirOriginId.get(conversationId, originId)?.sort_key,
    isArchiveComplete: (conversationId: string) =>
      (db.prepare<[string], { archive_complete: number }>('SELECT archive_complete FROM conversations WHERE id = ?').get(conversationId)
        ?.archive_complete ?? 0) === 1,
    setArchiveComplete: (conversationId: string) =>
      void db.prepare('UPDATE conversations SET archive_complete = 1 WHERE id = ?').run(conversationId),
    setState(id: string, state: DeliveryState, error?: SendFailure): MessageRecord | undefined {
      db.prepare('UPDATE messages SET state = ?, error = NULL, error_data = ? WHERE id = ?').run(
        state,
        error ? JSON.stringify(error) : null,
        id,
      );
      const r = getMsg.get(id);
      return r && msgFromRow(r);
    },
    /**
     * Our own message seen again (from the archive or a carbon): it certainly reached the server, so
     * a pending one is now sent; remember its archive id. Returns the record if it changed. A failed
     * one stays failed: a bounce (RFC 6120 §8.3) means the server had it and could not deliver it, and
     * its archive keeps that copy all the same.
     */
    confirmOutgoing(accountId: string, originId: string, stanzaId?: string): MessageRecord | undefined {
      const r = db
        .prepare<[string, string], MsgRow>(
          `SELECT m.* FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE c.account_id = ? AND m.direction = 'out' AND m.origin_id = ?`,
        )
        .get(accountId, originId);
      if (!r) return undefined;
      const becomesSent = r.state === 'pending';
      if (!becomesSent && (r.stanza_id || !stanzaId)) return undefined;
      db.prepare(
        `UPDATE OR IGNORE messages SET state = CASE WHEN state = 'pending' THEN 'sent' ELSE state END,
        stanza_id = coalesce(stanza_id, ?) WHERE id = ?`,
      ).run(stanzaId ?? null, r.id);
      return becomesSent ? msgFromRow(getMsg.get(r.id)!) : undefined;
    },
    /** Our own message with this origin-id, in any conversation of the account. */
    outgoingByOriginId(accountId: string, originId: string): MessageRecord | undefined {
      const r = db
        .prepare<[string, string], MsgRow>(
          `SELECT m.* FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE c.account_id = ? AND m.direction = 'out' AND m.origin_id = ?`,
        )
        .get(accountId, originId);
      return r && msgFromRow(r);
    },
    /**
     * Outgoing messages still in the outbox for an account, oldest first. Every one has an origin-id:
     * the outbox writes it with one, and only a message found by its origin-id becomes failed or pending again.
     */
    pendingOutgoing: (accountId: string): PendingOutgoing[] =>
      db
        .prepare<[string], MsgRow>(
          `SELECT m.* FROM messages m JOIN conversations c ON c.id = m.conversation_id
        WHERE c.account_id = ? AND m.direction = 'out' AND m.state = 'pending' ORDER BY m.seq`,
        )
        .all(accountId)
        .map(msgFromRow)
        .filter((m): m is PendingOutgoing => m.originId !== undefined),
    get(id: string): MessageRecord | undefined {
      const r = getMsg.get(id);
      return r && msgFromRow(r);
    },
    /**
     * Read up to the message with this archive id (seen on another device): unread becomes the number
     * of their messages after it. Returns whether anything changed; unknown ids change nothing.
     */
    setUnreadAfterArchiveId(conversationId: string, stanzaId: string): boolean {
      return this.setUnreadAfter(conversationId, { stanzaId });
    },
    /** Same, for the incoming message with this archive id or this origin-id (the sender's id). */
    setUnreadAfter(conversationId: string, by: { stanzaId?: string; originId?: string }): boolean {
      const anchor = by.stanzaId
        ? db
            .prepare<[string, string], MsgRow>('SELECT * FROM messages WHERE conversation_id = ? AND stanza_id = ?')
            .get(conversationId, by.stanzaId)
        : db
            .prepare<[string, string], MsgRow>(`SELECT * FROM messages WHERE conversation_id = ? AND direction = 'in' AND origin_id = ?`)
            .get(conversationId, by.originId ?? '');
      if (!anchor) return false;
      const after = db
        .prepare<[string, number, number, number], { n: number }>(
          `SELECT count(*) AS n FROM messages WHERE conversation_id = ?
        AND ${THEIRS} AND (sort_key > ? OR (sort_key = ? AND seq > ?))`,
        )
        .get(conversationId, anchor.sort_key ?? anchor.timestamp, anchor.sort_key ?? anchor.timestamp, anchor.seq)!.n;
      const res = db.prepare('UPDATE conversations SET unread = ? WHERE id = ? AND unread > ?').run(after, conversationId, after);
      return res.changes > 0;
    },
    markRead: (conversationId: string) => void db.prepare('UPDATE conversations SET unread = 0 WHERE id = ?').run(conversationId),
    /**
     * The message a retraction or moderation points at, in one conversation: by the room's stanza-id
     * (rooms), or by the sender's origin-id in the given direction (one-to-one chats, XEP-0424).
     */
    findTarget(
      conversationId: string,
      by: { stanzaId: string } | { originId: string; direction: MessageDirection },
    ): MessageRecord | undefined {
      const r =
        'stanzaId' in by
          ? db
              .prepare<[string, string], MsgRow>('SELECT * FROM messages WHERE conversation_id = ? AND stanza_id = ?')
              .get(conversationId, by.stanzaId)
          : db
              .prepare<[string, string, string], MsgRow>(
                'SELECT * FROM messages WHERE conversation_id = ? AND direction = ? AND origin_id = ?',
              )
              .get(conversationId, by.direction, by.originId);
      return r && msgFromRow(r);
    },
    /**
     * Turn a message into a tombstone: the body is cleared for good (migration 0008), who removed it
     * and why are kept. A message already retracted keeps its first tombstone; returns the record only
     * when it changed.
     */
    retract(id: string, how: { by: 'sender' | 'moderator'; at: number; reason?: string }): MessageRecord | undefined {
      const res = db
        .prepare(
          `UPDATE messages SET body = '', retracted_at = ?, retracted_by = ?, retraction_reason = ?
        WHERE id = ? AND retracted_at IS NULL`,
        )
        .run(how.at, how.by, how.reason ?? null, id);
      const r = res.changes > 0 ? getMsg.get(id) : undefined;
      if (r) scrubSoon();
      return r && msgFromRow(r);
    },
  };
}
export type MessagesRepo = ReturnType<typeof createMessagesRepo>;
