// 0005: end-to-end encryption per message and per chat (OMEMO, XEP-0384).
// - messages.encrypted: the message travelled encrypted; sender_device/sender_trust: which OMEMO
//   device of the sender wrote it and how far it was trusted when it arrived; warning: what the user
//   must know about it, in words (could not be decrypted, unencrypted in an encrypted chat…).
// - conversations.encryption: the user's choice for new messages: NULL = automatic (OMEMO when the
//   contact has devices), 'omemo', or 'plain' (chosen explicitly; never a silent fallback).
import type { Migration } from './types.js';

export const migration0005: Migration = {
  version: 5,
  name: 'encryption',
  up(db) {
    db.exec(`
      ALTER TABLE messages ADD COLUMN encrypted INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE messages ADD COLUMN sender_device INTEGER;
      ALTER TABLE messages ADD COLUMN sender_trust TEXT;
      ALTER TABLE messages ADD COLUMN warning TEXT;
      ALTER TABLE conversations ADD COLUMN encryption TEXT CHECK (encryption IN ('omemo', 'plain'));
    `);
  },
};
