// 0002: what the archive catch-up needs to know where it stopped (XEP-0313), and per conversation
// whether the archive has no older messages left.
import type { Migration } from '../migrate.js';

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
    `);
  },
};
