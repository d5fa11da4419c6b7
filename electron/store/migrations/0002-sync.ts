// 0002: what the archive catch-up needs to know where it stopped (XEP-0313), and per conversation
// whether the archive has no older messages left.
import type { Migration } from './types.js';

export const migration0002: Migration = {
  version: 2,
  name: 'sync',
  up(db) {
    db.exec(`
      CREATE TABLE archive_sync (
        account_id      TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        archive_jid     TEXT NOT NULL,     -- the user's own bare JID, or a room's JID
        last_id         TEXT,              -- newest archive id stored with no gap before it
        last_at         INTEGER,           -- its timestamp (epoch ms)
        synced_at       INTEGER,           -- when a catch-up last reached the end of the archive
        PRIMARY KEY (account_id, archive_jid)
      );
      ALTER TABLE conversations ADD COLUMN archive_complete INTEGER NOT NULL DEFAULT 0;
      -- History is shown in sort_key order: the time (ms), nudged so that archive pages keep the
      -- archive's own order even when its stamps have only whole seconds, and so that older pages
      -- fetched later sort before what is already there.
      ALTER TABLE messages ADD COLUMN sort_key REAL;
      UPDATE messages SET sort_key = timestamp;
      CREATE INDEX messages_by_sort ON messages (conversation_id, sort_key, seq);
    `);
  },
};
