// 0100: the Signal protocol state of each account's own OMEMO device (legacy OMEMO today, OMEMO 2
// later in its own tables). Private keys and session records are stored sealed (../at-rest.ts);
// public keys in clear (they are published anyway). Numbered from 100, apart from the core's; its
// version is kept in omemo_schema (migrations/index.ts). Every statement is IF NOT EXISTS.
import type { Migration } from '../../store/migrate.js';

export const migration0100: Migration = {
  version: 100,
  name: 'omemo-init',
  up(db) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS omemo_identity (
        account_id      TEXT PRIMARY KEY,
        registration_id INTEGER NOT NULL,
        public_key      BLOB NOT NULL,
        private_key     BLOB NOT NULL,          -- sealed
        created_at      INTEGER NOT NULL
      );
      CREATE TABLE IF NOT EXISTS omemo_prekeys (
        account_id  TEXT NOT NULL,
        key_id      INTEGER NOT NULL,
        public_key  BLOB NOT NULL,
        private_key BLOB NOT NULL,              -- sealed
        used_at     INTEGER,                    -- consumed by a prekey message; kept until catch-up ends
        PRIMARY KEY (account_id, key_id)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS omemo_signed_prekeys (
        account_id  TEXT NOT NULL,
        key_id      INTEGER NOT NULL,
        public_key  BLOB NOT NULL,
        private_key BLOB NOT NULL,              -- sealed
        signature   BLOB NOT NULL,
        created_at  INTEGER NOT NULL,
        PRIMARY KEY (account_id, key_id)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS omemo_sessions (
        account_id TEXT NOT NULL,
        jid        TEXT NOT NULL,
        device_id  INTEGER NOT NULL,
        record     BLOB NOT NULL,               -- sealed libsignal SessionRecord (holds ratchet private keys)
        updated_at INTEGER NOT NULL,
        PRIMARY KEY (account_id, jid, device_id)
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS omemo_identities (
        account_id   TEXT NOT NULL,
        jid          TEXT NOT NULL,
        device_id    INTEGER NOT NULL,
        identity_key BLOB NOT NULL,             -- 33 bytes, 0x05 prefix
        trust        TEXT NOT NULL DEFAULT 'undecided' CHECK (trust IN ('undecided', 'trusted', 'verified', 'distrusted')),
        first_seen   INTEGER NOT NULL,
        PRIMARY KEY (account_id, jid, device_id)
      ) WITHOUT ROWID;
    `);
  },
};
