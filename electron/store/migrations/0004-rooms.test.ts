import { describe, expect, it } from 'vitest';
import { migratedBefore, migrateTo } from './migrated-to.js';

describe('migration 0004-rooms', () => {
  it('keeps existing chats as chats and adds rooms', () => {
    const db = migratedBefore(4);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('a', 'me@x.y', 'me', 'memory', 'r', 0)`,
    ).run();
    db.prepare(`INSERT INTO conversations (id, account_id, peer, last_activity) VALUES ('c', 'a', 'you@x.y', 0)`).run();
    expect(migrateTo(db, 4)).toBe(4);
    expect(db.prepare('SELECT kind FROM conversations').get()).toEqual({ kind: 'chat' });
    db.prepare(`INSERT INTO rooms (account_id, jid, nick) VALUES ('a', 'room@muc.x.y', 'me')`).run();
    expect(() => db.prepare(`UPDATE conversations SET kind = 'other'`).run()).toThrow(/CHECK/);
    db.prepare('DELETE FROM accounts').run();
    expect(db.prepare('SELECT count(*) AS n FROM rooms').get()).toEqual({ n: 0 });
  });
});
