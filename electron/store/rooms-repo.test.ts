// The rooms the user is in, in a real SQLite database with every migration: a room is kept once per
// account with its latest nickname, forgotten on its own, and goes with its account.
import { beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from './migrate.js';
import { createRoomsRepo, type RoomsRepo } from './rooms-repo.js';

let db: Database.Database;
let repo: RoomsRepo;

beforeEach(() => {
  db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  for (const [id, jid] of [
    ['a', 'me@x.y'],
    ['b', 'other@x.y'],
  ]) {
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES (?, ?, 'me', 'memory', 'r', 0)`,
    ).run(id, jid);
  }
  repo = createRoomsRepo(db);
});

describe('the rooms the user is in (rejoined after sign-in)', () => {
  it('keeps each room once per account, with the nickname last used there', () => {
    repo.save('a', 'tea@muc.x.y', 'me');
    repo.save('a', 'tea@muc.x.y', 'me2');
    repo.save('a', 'work@muc.x.y', 'boss');
    repo.save('b', 'tea@muc.x.y', 'other');
    const byJid = (rows: { jid: string }[]) => [...rows].sort((x, y) => x.jid.localeCompare(y.jid));
    expect(byJid(repo.saved('a'))).toEqual([
      { jid: 'tea@muc.x.y', nick: 'me2' },
      { jid: 'work@muc.x.y', nick: 'boss' },
    ]);
    expect(repo.saved('b')).toEqual([{ jid: 'tea@muc.x.y', nick: 'other' }]);
  });

  it('forgets a room the user left, for that account only', () => {
    repo.save('a', 'tea@muc.x.y', 'me');
    repo.save('b', 'tea@muc.x.y', 'other');
    repo.forget('a', 'tea@muc.x.y');
    repo.forget('a', 'never@muc.x.y');
    expect(repo.saved('a')).toEqual([]);
    expect(repo.saved('b')).toEqual([{ jid: 'tea@muc.x.y', nick: 'other' }]);
  });

  it('forgets the rooms of an account that is removed', () => {
    repo.save('a', 'tea@muc.x.y', 'me');
    db.prepare(`DELETE FROM accounts WHERE id = 'a'`).run();
    expect(repo.saved('a')).toEqual([]);
  });
});
