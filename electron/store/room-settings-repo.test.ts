// Room notification choices in a real SQLite database with every migration.
import { beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from './migrate.js';
import { createRoomSettingsRepo, type RoomSettingsRepo } from './room-settings-repo.js';

let db: Database.Database;
let repo: RoomSettingsRepo;
const rowCount = () => db.prepare('SELECT count(*) FROM room_settings').pluck().get();

beforeEach(() => {
  db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  db.prepare(
    `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('a', 'me@x.y', 'me', 'memory', 'r', 0)`,
  ).run();
  repo = createRoomSettingsRepo(db);
});

describe('a room’s notification choice', () => {
  it('is none until the user makes one, then the latest, per room', () => {
    expect(repo.notifyMode('a', 'tea@muc.x.y')).toBeUndefined();
    repo.setNotifyMode('a', 'tea@muc.x.y', 'all');
    repo.setNotifyMode('a', 'tea@muc.x.y', 'never');
    repo.setNotifyMode('a', 'work@muc.x.y', 'all');
    expect(repo.notifyMode('a', 'tea@muc.x.y')).toBe('never');
    expect(repo.notifyMode('a', 'work@muc.x.y')).toBe('all');
    expect(rowCount()).toBe(2);
  });

  it('back to the default leaves no row', () => {
    repo.setNotifyMode('a', 'tea@muc.x.y', 'all');
    repo.clearNotifyMode('a', 'tea@muc.x.y');
    expect(repo.notifyMode('a', 'tea@muc.x.y')).toBeUndefined();
    expect(rowCount()).toBe(0);
  });

  it('refuses a choice that does not exist', () => {
    expect(() => repo.setNotifyMode('a', 'tea@muc.x.y', 'sometimes' as never)).toThrow(/CHECK/);
  });
});
