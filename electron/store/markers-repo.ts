// Chat markers (XEP-0333) in the database (migration 0012): which incoming messages asked for markers
// and under which id, the message our last displayed marker named in each chat, markers waiting for
// their message, and moving our own messages forward up to a marked one. "Before" and "after" are the
// conversation's display order (sort key, then arrival), as in MessagesRepo.history.
import type { Db } from './db.js';

/** What a contact's marker says about our messages: 'received' (delivered) or 'displayed' (read). */
export type MarkerLevel = 'received' | 'displayed';

/** A pending marker is forgotten after this long, and a chat keeps at most this many. */
const PENDING_MAX_AGE_MS = 30 * 24 * 3600_000;
const PENDING_PER_CHAT = 50;

interface Position {
  k: number;
  seq: number;
}
const isAfter = (a: Position, b: Position) => a.k > b.k || (a.k === b.k && a.seq > b.seq);

export function createMarkersRepo(db: Db) {
  const position = db.prepare<[string], Position>('SELECT coalesce(sort_key, timestamp) AS k, seq FROM messages WHERE id = ?');
  const lastMarkable = db.prepare<[string], { messageId: string; markerId: string }>(`SELECT m.id AS messageId, k.marker_id AS markerId
    FROM messages m JOIN markable_messages k ON k.message_id = m.id
    WHERE m.conversation_id = ? AND m.direction = 'in' AND m.notice = 0
    ORDER BY coalesce(m.sort_key, m.timestamp) DESC, m.seq DESC LIMIT 1`);
  const byMarkerId = db.prepare<
    [string, string],
    { id: string }
  >(`SELECT m.id FROM messages m JOIN markable_messages k ON k.message_id = m.id
    WHERE m.conversation_id = ? AND m.direction = 'in' AND k.marker_id = ?`);
  const sentMarker = (conversationId: string): string | undefined =>
    db.prepare<[string], { message_id: string }>('SELECT message_id FROM sent_markers WHERE conversation_id = ?').get(conversationId)
      ?.message_id;

  return {
    setMarkable: (messageId: string, markerId: string) =>
      void db.prepare('INSERT OR REPLACE INTO markable_messages (message_id, marker_id) VALUES (?, ?)').run(messageId, markerId),
    markerIdOf: (messageId: string): string | undefined =>
      db.prepare<[string], { marker_id: string }>('SELECT marker_id FROM markable_messages WHERE message_id = ?').get(messageId)?.marker_id,
    /** The newest message of theirs in a chat that asked for markers, and the id a marker names. */
    lastMarkable: (conversationId: string) => lastMarkable.get(conversationId),
    /** Their message that a marker id names (one of our other devices marked it). */
    incomingByMarkerId: (conversationId: string, markerId: string): string | undefined => byMarkerId.get(conversationId, markerId)?.id,
    /** The message our last displayed marker in this chat named. */
    sentMarker,
    /**
     * Remember that `messageId` is marked displayed, if it comes after what was marked before.
     * Returns whether it did (false: already marked, or an earlier message).
     */
    advanceSentMarker(conversationId: string, messageId: string): boolean {
      const next = position.get(messageId);
      if (!next) return false;
      const currentId = sentMarker(conversationId);
      const current = currentId ? position.get(currentId) : undefined;
      if (current && !isAfter(next, current)) return false;
      db.prepare(
        `INSERT INTO sent_markers (conversation_id, message_id) VALUES (?, ?)
        ON CONFLICT (conversation_id) DO UPDATE SET message_id = excluded.message_id`,
      ).run(conversationId, messageId);
      return true;
    },
    /**
     * XEP-0333 §6: "A Chat Marker Indicates that all messages up to and including that message 'id'
     * have been marked." Our messages in the chat up to and including `anchorId` move forward to
     * delivered ('received') or read ('displayed'), never back. The anchor itself may still be pending
     * (the marker came before the server's acknowledgement): the contact has it, so it is on its way no
     * more. Failed messages stay failed. Returns the ids of the messages that changed.
     */
    raiseOutgoing(conversationId: string, anchorId: string, level: MarkerLevel): string[] {
      const a = position.get(anchorId);
      if (!a) return [];
      const [to, from] = level === 'displayed' ? ['read', `'sent', 'delivered'`] : ['delivered', `'sent'`];
      return db
        .prepare<[string, string, string, number, number, number], { id: string }>(
          `UPDATE messages SET state = ?
        WHERE conversation_id = ? AND direction = 'out' AND (state IN (${from}) OR (id = ? AND state = 'pending'))
          AND (coalesce(sort_key, timestamp) < ? OR (coalesce(sort_key, timestamp) = ? AND seq <= ?))
        RETURNING id`,
        )
        .all(to, conversationId, anchorId, a.k, a.k, a.seq)
        .map((r) => r.id);
    },
    /** Keep a contact's marker for a message of ours not stored yet (the more significant one wins). */
    addPending(accountId: string, peer: string, markedId: string, level: MarkerLevel, at = Date.now()) {
      db.prepare(
        `INSERT INTO pending_markers (account_id, peer, marked_id, level, received_at) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (account_id, peer, marked_id) DO UPDATE SET received_at = excluded.received_at,
          level = CASE WHEN excluded.level = 'displayed' THEN 'displayed' ELSE level END`,
      ).run(accountId, peer, markedId, level, at);
      // Bounded: anyone can send markers for ids that never come.
      db.prepare('DELETE FROM pending_markers WHERE received_at < ?').run(at - PENDING_MAX_AGE_MS);
      db.prepare(
        `DELETE FROM pending_markers WHERE account_id = ? AND peer = ? AND marked_id NOT IN
        (SELECT marked_id FROM pending_markers WHERE account_id = ? AND peer = ? ORDER BY received_at DESC LIMIT ${PENDING_PER_CHAT})`,
      ).run(accountId, peer, accountId, peer);
    },
    /** The pending marker for our message `markedId` in the chat with `peer`, removed as it is taken. */
    takePending: (accountId: string, peer: string, markedId: string): MarkerLevel | undefined =>
      db
        .prepare<[string, string, string], { level: MarkerLevel }>(
          'DELETE FROM pending_markers WHERE account_id = ? AND peer = ? AND marked_id = ? RETURNING level',
        )
        .get(accountId, peer, markedId)?.level,
  };
}
export type MarkersRepo = ReturnType<typeof createMarkersRepo>;
