// Archive positions in a real SQLite database with every migration: where catch-up resumes, per
// account and archive, and a position without a time keeping the one it had.
import { beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from './migrate.js';
import { createArchiveSyncRepo, type ArchiveSyncRepo } from './archive-sync-repo.js';

let db: Database.Database;
let repo: ArchiveSyncRepo;

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
  repo = createArchiveSyncRepo(db);
});

describe('archive positions', () => {
  it('are unknown for an archive never read', () => {
    expect(repo.position('a', 'me@x.y')).toBeUndefined();
  });

  it('move forward, each archive of each account on its own', () => {
    repo.setLast('a', 'me@x.y', 'id-1', 100);
    repo.setLast('a', 'room@muc.x.y', 'r-1', 150);
    repo.setLast('a', 'me@x.y', 'id-2', 200);
    expect(repo.position('a', 'me@x.y')).toEqual({ lastId: 'id-2', lastAt: 200 });
    expect(repo.position('a', 'room@muc.x.y')).toEqual({ lastId: 'r-1', lastAt: 150 });
    expect(repo.position('b', 'me@x.y')).toBeUndefined();
  });

  it('keep the time they had when the archive gives none', () => {
    repo.setLast('a', 'me@x.y', 'id-1', 100);
    repo.setLast('a', 'me@x.y', 'id-2', undefined);
    expect(repo.position('a', 'me@x.y')).toEqual({ lastId: 'id-2', lastAt: 100 });
  });

  it('remember when a catch-up reached the end, before any id and after', () => {
    repo.setSynced('a', 'me@x.y', 500);
    expect(repo.position('a', 'me@x.y')).toEqual({ syncedAt: 500 });
    repo.setLast('a', 'me@x.y', 'id-1', 100);
    repo.setSynced('a', 'me@x.y', 600);
    expect(repo.position('a', 'me@x.y')).toEqual({ lastId: 'id-1', lastAt: 100, syncedAt: 600 });
  });

  it('go with their account', () => {
    repo.setLast('a', 'me@x.y', 'id-1', 100);
    db.prepare(`DELETE FROM accounts WHERE id = 'a'`).run();
    expect(repo.position('a', 'me@x.y')).toBeUndefined();
  });
});
