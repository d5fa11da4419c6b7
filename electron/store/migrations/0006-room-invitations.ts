// 0006: pending room invitations (XEP-0249 direct, XEP-0045 §7.8.2 mediated), so that a restart does
// not lose them. One per room and account (XEP-0249 §4: of several to the same room, "present only
// one"). A password that came with an invitation is NOT a column: it is kept in the account's
// SecretStore (or only in memory), never in this database in clear text (ARCHITECTURE.md "Secrets").
import type { Migration } from './types.js';

export const migration0006: Migration = {
  version: 6,
  name: 'room-invitations',
  up(db) {
    db.exec(`
      CREATE TABLE room_invitations (
        account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        room         TEXT NOT NULL,
        kind         TEXT NOT NULL CHECK (kind IN ('direct', 'mediated')),
        inviter      TEXT,
        reason       TEXT,
        has_password INTEGER NOT NULL DEFAULT 0 CHECK (has_password IN (0, 1)),
        received_at  INTEGER NOT NULL,
        PRIMARY KEY (account_id, room)
      );
    `);
  },
};
