import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrateOmemo, OMEMO_MIGRATIONS } from './index.js';

describe('migration 0102-omemo-heartbeats', () => {
  it('adds the heartbeat counters after 0101 without touching what is stored', () => {
    const db = new Database(':memory:');
    migrateOmemo(db, OMEMO_MIGRATIONS.slice(0, 2));
    db.prepare(`INSERT INTO omemo_device_lists (account_id, jid, device_id, updated_at) VALUES ('a', 'b@c', 7, 0)`).run();
    expect(migrateOmemo(db)).toBe(102);
    expect(db.prepare('SELECT count(*) AS n FROM omemo_device_lists').get()).toEqual({ n: 1 });
    db.prepare(`INSERT INTO omemo_heartbeats (account_id, jid, device_id, unanswered) VALUES ('a', 'b@c', 7, 3)`).run();
    expect(() =>
      db.prepare(`INSERT INTO omemo_heartbeats (account_id, jid, device_id, unanswered) VALUES ('a', 'b@c', 7, 1)`).run(),
    ).toThrow(/UNIQUE|PRIMARY/);
    expect(() =>
      db.prepare(`INSERT INTO omemo_heartbeats (account_id, jid, device_id, unanswered) VALUES ('a', 'b@c', 8, -1)`).run(),
    ).toThrow(/CHECK/);
    expect(migrateOmemo(db)).toBe(102); // idempotent
  });
});
