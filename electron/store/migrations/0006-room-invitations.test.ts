import { describe, expect, it } from 'vitest';
import { migratedBefore, migrateTo } from './migrated-to.js';

describe('migration 0006-room-invitations', () => {
  it('adds pending invitations, one per room, without a place for a password, removed with the account', () => {
    const db = migratedBefore(6);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('a', 'me@x.y', 'me', 'memory', 'r', 0)`,
    ).run();
    expect(migrateTo(db, 6)).toBe(6);
    const insert = db.prepare(
      `INSERT INTO room_invitations (account_id, room, kind, inviter, reason, has_password, received_at) VALUES ('a', 'tea@muc.x.y', ?, 'you@x.y', 'come', 1, 5)`,
    );
    insert.run('direct');
    expect(() => insert.run('mediated')).toThrow(/UNIQUE|PRIMARY/);
    expect(() => db.prepare(`UPDATE room_invitations SET kind = 'other'`).run()).toThrow(/CHECK/);
    const columns = (db.prepare(`PRAGMA table_info(room_invitations)`).all() as { name: string }[]).map((c) => c.name);
    expect(columns.some((c) => /password/.test(c) && c !== 'has_password')).toBe(false);
    db.prepare('DELETE FROM accounts').run();
    expect(db.prepare('SELECT count(*) AS n FROM room_invitations').get()).toEqual({ n: 0 });
  });
});
