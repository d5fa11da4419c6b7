// 0101: this account's own device id, and the device lists people publish (XEP-0384 v0.3 §4.3).
// A device that leaves its owner's list is kept (active = 0): old messages still name it, and its
// trust decision must not be forgotten if it comes back.
import type { Migration } from '../../store/migrate.js';

export const migration0101: Migration = {
  version: 101,
  name: 'omemo-devices',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS omemo_own_device (
        account_id TEXT PRIMARY KEY,
        device_id  INTEGER NOT NULL,
        created_at INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS omemo_device_lists (
        account_id TEXT NOT NULL,
        jid        TEXT NOT NULL,
        device_id  INTEGER NOT NULL,
        active     INTEGER NOT NULL DEFAULT 1,
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, jid, device_id)
      ) WITHOUT ROWID;
      -- When each JID's list was last read (fetched or pushed), even if it was empty or missing.
      CREATE TABLE IF NOT EXISTS omemo_device_list_seen (
        account_id TEXT NOT NULL,
        jid        TEXT NOT NULL,
        seen_at    INTEGER NOT NULL,
        PRIMARY KEY (account_id, jid)
      ) WITHOUT ROWID;
    `);
  },
};
