// 0007: @mentions and notifications. A room message that mentions the user's nickname is flagged
// when stored (highlighted in the UI, and it notifies by default); each room has the user's choice of
// when its messages notify — on mentions (the default, no row), every message, or never.
import type { Migration } from './types.js';

export const migration0007: Migration = {
  version: 7,
  name: 'mentions-notify',
  up(db) {
    db.exec(`
      ALTER TABLE messages ADD COLUMN mentions_me INTEGER NOT NULL DEFAULT 0 CHECK (mentions_me IN (0, 1));
      CREATE TABLE room_settings (
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        jid        TEXT NOT NULL,
        notify     TEXT NOT NULL CHECK (notify IN ('mentions', 'all', 'never')),
        PRIMARY KEY (account_id, jid)
      );
    `);
  },
};
