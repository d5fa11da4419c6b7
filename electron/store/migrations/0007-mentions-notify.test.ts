import { describe, expect, it } from 'vitest';
import { migratedBefore, migrateTo } from './migrated-to.js';

describe('migration 0007-mentions-notify', () => {
  it('keeps existing messages unflagged and adds per-room notification choices', () => {
    const db = migratedBefore(7);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('a', 'me@x.y', 'me', 'memory', 'r', 0)`,
    ).run();
    db.prepare(`INSERT INTO conversations (id, account_id, peer, last_activity) VALUES ('c', 'a', 'room@muc.x.y', 0)`).run();
    db.prepare(
      `INSERT INTO messages (id, conversation_id, direction, body, timestamp, state) VALUES ('m', 'c', 'in', 'hi me', 0, 'received')`,
    ).run();
    expect(migrateTo(db, 7)).toBe(7);
    expect(db.prepare('SELECT body, mentions_me FROM messages').get()).toEqual({ body: 'hi me', mentions_me: 0 });
    db.prepare(`INSERT INTO room_settings (account_id, jid, notify) VALUES ('a', 'room@muc.x.y', 'all')`).run();
    expect(() => db.prepare(`UPDATE room_settings SET notify = 'sometimes'`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`UPDATE messages SET mentions_me = 2`).run()).toThrow(/CHECK/);
    db.prepare('DELETE FROM messages').run();
    db.prepare('DELETE FROM conversations').run();
    db.prepare('DELETE FROM accounts').run();
    expect(db.prepare('SELECT count(*) AS n FROM room_settings').get()).toEqual({ n: 0 });
  });
});
