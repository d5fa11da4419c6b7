// 0012: chat markers (XEP-0333, https://xmpp.org/extensions/xep-0333.html) kept across restarts.
// - markable_messages: incoming messages that asked for markers (§7: "Messages MUST include the
//   'markable' element to use Chat Markers"), with the id a marker must name: the message's own 'id'
//   in a one-to-one chat (§6), the room's stanza-id in a room (§8.6).
// - sent_markers: per chat, the message our last displayed marker named. Markers only move forward
//   (§7), so none is sent again for it or for anything before it.
// - pending_markers: a contact's marker for a message of ours not stored yet (sent from another
//   device, arriving later from a carbon or the archive). §7: "A client MAY store the Chat Marker in
//   case the associated message is retrieved later."
import type { Migration } from './types.js';

export const migration0012: Migration = {
  version: 12,
  name: 'chat-markers',
  up(db) {
    db.exec(`
      CREATE TABLE markable_messages (
        message_id TEXT PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
        marker_id  TEXT NOT NULL
      );
      CREATE TABLE sent_markers (
        conversation_id TEXT PRIMARY KEY REFERENCES conversations(id) ON DELETE CASCADE,
        message_id      TEXT NOT NULL REFERENCES messages(id) ON DELETE CASCADE
      );
      CREATE TABLE pending_markers (
        account_id  TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        peer        TEXT NOT NULL,
        marked_id   TEXT NOT NULL,
        level       TEXT NOT NULL CHECK (level IN ('received', 'displayed')),
        received_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, peer, marked_id)
      );
    `);
  },
};
