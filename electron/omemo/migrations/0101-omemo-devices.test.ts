import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrateOmemo, OMEMO_MIGRATIONS } from './index.js';

describe('migration 0101-omemo-devices', () => {
  it('adds device lists after 0100 without touching the keys already stored', () => {
    const db = new Database(':memory:');
    migrateOmemo(db, OMEMO_MIGRATIONS.slice(0, 1));
    db.prepare(`INSERT INTO omemo_prekeys (account_id, key_id, public_key, private_key) VALUES ('a', 1, x'05', x'00')`).run();
    expect(migrateOmemo(db, OMEMO_MIGRATIONS.slice(0, 2))).toBe(101);
    expect(db.prepare('SELECT count(*) AS n FROM omemo_prekeys').get()).toEqual({ n: 1 });
    db.prepare(`INSERT INTO omemo_device_lists (account_id, jid, device_id, updated_at) VALUES ('a', 'b@c', 7, 0)`).run();
    expect(db.prepare('SELECT active FROM omemo_device_lists').get()).toEqual({ active: 1 });
    expect(() =>
      db.prepare(`INSERT INTO omemo_device_lists (account_id, jid, device_id, updated_at) VALUES ('a', 'b@c', 7, 1)`).run(),
    ).toThrow(/UNIQUE|PRIMARY/);
  });
});
