import { describe, expect, it } from 'vitest';
import { migratedBefore, migrateTo } from './migrated-to.js';

describe('migration 0008-retraction', () => {
  it('keeps existing messages as they were (not retracted, no occupant id) and only accepts known retractors', () => {
    const db = migratedBefore(8);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('a', 'me@x.y', 'me', 'memory', 'r', 0)`,
    ).run();
    db.prepare(`INSERT INTO conversations (id, account_id, peer, last_activity) VALUES ('c', 'a', 'room@muc.x.y', 0)`).run();
    db.prepare(
      `INSERT INTO messages (id, conversation_id, direction, body, timestamp, state) VALUES ('m', 'c', 'in', 'hi', 0, 'received')`,
    ).run();
    expect(migrateTo(db, 8)).toBe(8);
    expect(db.prepare('SELECT body, occupant_id, retracted_at, retracted_by, retraction_reason FROM messages').get()).toEqual({
      body: 'hi',
      occupant_id: null,
      retracted_at: null,
      retracted_by: null,
      retraction_reason: null,
    });
    db.prepare(`UPDATE messages SET body = '', retracted_at = 5, retracted_by = 'moderator', retraction_reason = 'spam'`).run();
    expect(db.prepare('SELECT body, retracted_by, retraction_reason FROM messages').get()).toEqual({
      body: '',
      retracted_by: 'moderator',
      retraction_reason: 'spam',
    });
    expect(() => db.prepare(`UPDATE messages SET retracted_by = 'someone'`).run()).toThrow(/CHECK/);
  });
});
