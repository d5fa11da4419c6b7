// 0001: accounts, roster, subscription requests, conversations and messages.
import type { Migration } from './types.js';

export const migration0001: Migration = {
  version: 1,
  name: 'init',
  up(db) {
    db.exec(`
      CREATE TABLE accounts (
        id              TEXT PRIMARY KEY,
        jid             TEXT NOT NULL UNIQUE,
        display_name    TEXT NOT NULL,
        enabled         INTEGER NOT NULL DEFAULT 1,
        manual_json     TEXT,            -- user's manual host/port/transport/websocket URL
        pinned_cert     TEXT,            -- SHA-256 fingerprint of a certificate the user trusted
        secret_backend  TEXT NOT NULL,   -- where the password is: never in this database
        resource        TEXT NOT NULL,   -- stable per device
        last_endpoint_json TEXT,         -- the discovery winner, tried first next time
        roster_ver      TEXT,            -- RFC 6121 §2.6 roster version
        created_at      INTEGER NOT NULL
      );
      CREATE TABLE contacts (
        account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        jid          TEXT NOT NULL,
        name         TEXT,
        groups_json  TEXT NOT NULL DEFAULT '[]',
        subscription TEXT NOT NULL DEFAULT 'none',
        pending_out  INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, jid)
      );
      CREATE TABLE subscription_requests (
        account_id   TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        jid          TEXT NOT NULL,
        message      TEXT,
        received_at  INTEGER NOT NULL,
        PRIMARY KEY (account_id, jid)
      );
      CREATE TABLE conversations (
        id            TEXT PRIMARY KEY,
        account_id    TEXT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        peer          TEXT NOT NULL,
        last_activity INTEGER NOT NULL,
        unread        INTEGER NOT NULL DEFAULT 0,
        UNIQUE (account_id, peer)
      );
      CREATE TABLE messages (
        seq             INTEGER PRIMARY KEY AUTOINCREMENT,  -- display order within a conversation
        id              TEXT NOT NULL UNIQUE,
        conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
        direction       TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        body            TEXT NOT NULL,
        timestamp       INTEGER NOT NULL,
        state           TEXT NOT NULL,
        origin_id       TEXT,
        stanza_id       TEXT,
        from_resource   TEXT
      );
      CREATE INDEX messages_by_conversation ON messages (conversation_id, seq);
      -- XEP-0359: the same message must never be stored twice.
      CREATE UNIQUE INDEX messages_origin ON messages (conversation_id, direction, origin_id) WHERE origin_id IS NOT NULL;
      CREATE UNIQUE INDEX messages_stanza ON messages (conversation_id, stanza_id) WHERE stanza_id IS NOT NULL;
    `);
  },
};
