// 0102: how many messages each device of a contact sent us since we last encrypted for it (the
// heartbeat of XEP-0384 v0.3 §4.6 / Conversations: after 53 without an answer an empty OMEMO message
// goes back, so their ratchet moves on). Kept on disk: a restart must not start the count again, or a
// Vireo that is restarted often would never answer at all.
import type { Migration } from '../../store/migrate.js';

export const migration0102: Migration = {
  version: 102,
  name: 'omemo-heartbeats',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS omemo_heartbeats (
        account_id TEXT NOT NULL,
        jid        TEXT NOT NULL,
        device_id  INTEGER NOT NULL,
        unanswered INTEGER NOT NULL CHECK (unanswered >= 0),
        PRIMARY KEY (account_id, jid, device_id)
      ) WITHOUT ROWID;
    `);
  },
};
