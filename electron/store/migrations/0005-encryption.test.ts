import { describe, expect, it } from 'vitest';
import { migratedBefore, migrateTo } from './migrated-to.js';

describe('migration 0005-encryption', () => {
  it('keeps existing messages as plain text and chats on automatic encryption', () => {
    const db = migratedBefore(5);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('a', 'me@x.y', 'me', 'memory', 'r', 0)`,
    ).run();
    db.prepare(`INSERT INTO conversations (id, account_id, peer, last_activity) VALUES ('c', 'a', 'you@x.y', 0)`).run();
    db.prepare(
      `INSERT INTO messages (id, conversation_id, direction, body, timestamp, state) VALUES ('m', 'c', 'out', 'hi', 0, 'sent')`,
    ).run();
    expect(migrateTo(db, 5)).toBe(5);
    expect(db.prepare('SELECT body, encrypted, sender_trust, warning FROM messages').get()).toEqual({
      body: 'hi',
      encrypted: 0,
      sender_trust: null,
      warning: null,
    });
    expect(db.prepare('SELECT encryption FROM conversations').get()).toEqual({ encryption: null });
    expect(() => db.prepare(`UPDATE conversations SET encryption = 'maybe'`).run()).toThrow(/CHECK/);
  });
});
