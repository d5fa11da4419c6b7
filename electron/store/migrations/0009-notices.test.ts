import { describe, expect, it } from 'vitest';
import { migratedBefore, migrateTo } from './migrated-to.js';

describe('migration 0009-notices', () => {
  it('keeps existing messages as messages and accepts only a yes/no flag', () => {
    const db = migratedBefore(9);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('a', 'me@x.y', 'me', 'memory', 'r', 0)`,
    ).run();
    db.prepare(`INSERT INTO conversations (id, account_id, peer, last_activity) VALUES ('c', 'a', 'room@muc.x.y', 0)`).run();
    db.prepare(
      `INSERT INTO messages (id, conversation_id, direction, body, timestamp, state) VALUES ('m', 'c', 'in', 'hi', 0, 'received')`,
    ).run();
    expect(migrateTo(db, 9)).toBe(9);
    expect(db.prepare('SELECT body, notice FROM messages').get()).toEqual({ body: 'hi', notice: 0 });
    expect(() => db.prepare('UPDATE messages SET notice = 2').run()).toThrow(/CHECK/);
  });
});
