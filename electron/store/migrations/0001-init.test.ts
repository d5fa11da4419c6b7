import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../migrate.js';
import { migration0001 } from './0001-init.js';

describe('migration 0001-init', () => {
  it('creates the schema and records version 1', () => {
    const db = new Database(':memory:');
    expect(migrate(db, [migration0001])).toBe(1);
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type='table' ORDER BY name`).pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['accounts', 'contacts', 'conversations', 'messages', 'subscription_requests']));
    expect(db.pragma('user_version', { simple: true })).toBe(1);
  });

  it('refuses to store the same origin-id twice in a conversation', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [migration0001]);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('a', 'me@x.y', 'me', 'memory', 'r', 0)`,
    ).run();
    db.prepare(`INSERT INTO conversations (id, account_id, peer, last_activity) VALUES ('c', 'a', 'you@x.y', 0)`).run();
    const insert = db.prepare(
      `INSERT INTO messages (id, conversation_id, direction, body, timestamp, state, origin_id) VALUES (?, 'c', 'in', 'hi', 0, 'received', 'o1')`,
    );
    insert.run('m1');
    expect(() => insert.run('m2')).toThrow(/UNIQUE/);
  });

  it('is idempotent and refuses a database from a newer version', () => {
    const db = new Database(':memory:');
    migrate(db, [migration0001]);
    expect(migrate(db, [migration0001])).toBe(1);
    db.pragma('user_version = 99');
    expect(() => migrate(db, [migration0001])).toThrow(/newer Vireo/);
  });
});
