// 0008: deleting messages for everyone (XEP-0424 retraction by the author, XEP-0425 moderation in
// rooms) and XEP-0421 occupant ids.
// - messages.occupant_id: the room's stable id for whoever wrote a room message (only recorded when
//   the room announces occupant ids): a retraction in a room is applied only when it carries the
//   same id as the message it retracts.
// - messages.retracted_at / retracted_by / retraction_reason: the message is a tombstone. Its body
//   is cleared when this is set — keeping the text of a message its author took back would defeat
//   the point — so only who removed it, when, and a moderator's reason remain.
import type { Migration } from './types.js';

export const migration0008: Migration = {
  version: 8,
  name: 'retraction',
  up(db) {
    db.exec(`
      ALTER TABLE messages ADD COLUMN occupant_id TEXT;
      ALTER TABLE messages ADD COLUMN retracted_at INTEGER;
      ALTER TABLE messages ADD COLUMN retracted_by TEXT CHECK (retracted_by IN ('sender', 'moderator'));
      ALTER TABLE messages ADD COLUMN retraction_reason TEXT;
    `);
  },
};
