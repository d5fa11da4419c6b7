// 0009: notices in a room's timeline. What happened in the room rather than what someone wrote there
// (an occupant removed or banned, with the moderator's reason), stored with the messages so it stays
// in the history in its place. Kept apart by this flag: never unread, never notified, never sent,
// corrected or deleted.
import type { Migration } from './types.js';

export const migration0009: Migration = {
  version: 9,
  name: 'notices',
  up(db) {
    db.exec(`ALTER TABLE messages ADD COLUMN notice INTEGER NOT NULL DEFAULT 0 CHECK (notice IN (0, 1));`);
  },
};
