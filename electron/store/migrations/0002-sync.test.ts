import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from '../migrate.js';
import { migration0001 } from './0001-init.js';
import { migration0002 } from './0002-sync.js';

describe('migration 0002-sync', () => {
  it('keeps existing conversations and adds the archive bookkeeping', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, [migration0001]);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('a', 'me@x.y', 'me', 'memory', 'r', 0)`,
    ).run();
    db.prepare(`INSERT INTO conversations (id, account_id, peer, last_activity) VALUES ('c', 'a', 'you@x.y', 5)`).run();
    expect(migrate(db, [migration0001, migration0002])).toBe(2);
    expect(db.prepare('SELECT last_activity, archive_complete FROM conversations').get()).toEqual({
      last_activity: 5,
      archive_complete: 0,
    });
    db.prepare(`INSERT INTO archive_sync (account_id, archive_jid, last_id) VALUES ('a', 'me@x.y', 'id1')`).run();
    // Removing the account removes its sync state too.
    db.prepare(`DELETE FROM accounts`).run();
    expect(db.prepare('SELECT count(*) AS n FROM archive_sync').get()).toEqual({ n: 0 });
  });
});
