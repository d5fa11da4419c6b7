import { describe, expect, it } from 'vitest';
import { migratedBefore, migrateTo } from './migrated-to.js';

describe('migration 0003-message-errors', () => {
  it('adds an empty error to existing messages', () => {
    const db = migratedBefore(3);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('a', 'me@x.y', 'me', 'memory', 'r', 0)`,
    ).run();
    db.prepare(`INSERT INTO conversations (id, account_id, peer, last_activity) VALUES ('c', 'a', 'you@x.y', 0)`).run();
    db.prepare(
      `INSERT INTO messages (id, conversation_id, direction, body, timestamp, state) VALUES ('m', 'c', 'out', 'hi', 0, 'sent')`,
    ).run();
    expect(migrateTo(db, 3)).toBe(3);
    expect(db.prepare('SELECT body, error FROM messages').get()).toEqual({ body: 'hi', error: null });
  });
});
