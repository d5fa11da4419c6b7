// 0004: group rooms (XEP-0045). A room is a conversation of kind 'room' (peer = the room's JID);
// messages in it carry the sender's nickname; the rooms the user is in are rejoined after sign-in.
import type { Migration } from './types.js';

export const migration0004: Migration = {
  version: 4,
  name: 'rooms',
  up(db) {
    db.exec(`
      ALTER TABLE conversations ADD COLUMN kind TEXT NOT NULL DEFAULT 'chat' CHECK (kind IN ('chat', 'room'));
      ALTER TABLE messages ADD COLUMN sender_nick TEXT;
      CREATE TABLE rooms (
        account_id TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        jid        TEXT NOT NULL,
        nick       TEXT NOT NULL,
        PRIMARY KEY (account_id, jid)
      );
    `);
  },
};
