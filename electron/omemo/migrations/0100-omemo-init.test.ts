import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate, MIGRATIONS } from '../../store/migrate.js';
import { migrateOmemo, OMEMO_MIGRATIONS } from './index.js';

const tables = (db: Database.Database) =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'omemo_%' ORDER BY name`).all() as { name: string }[]).map(
    (r) => r.name,
  );

describe('migration 0100-omemo-init', () => {
  it('creates the omemo_* tables beside the core schema without touching user_version', () => {
    const db = new Database(':memory:');
    const core = migrate(db);
    expect(migrateOmemo(db, OMEMO_MIGRATIONS.slice(0, 1))).toBe(100);
    expect(db.pragma('user_version', { simple: true })).toBe(core);
    expect(tables(db)).toEqual([
      'omemo_identities',
      'omemo_identity',
      'omemo_prekeys',
      'omemo_schema',
      'omemo_sessions',
      'omemo_signed_prekeys',
    ]);
    expect(migrateOmemo(db, OMEMO_MIGRATIONS.slice(0, 1))).toBe(100); // idempotent
  });

  it('keeps its own version: the core schema still migrates from scratch after OMEMO ran, and keeps OMEMO rows', () => {
    const db = new Database(':memory:');
    migrateOmemo(db);
    db.prepare(`INSERT INTO omemo_prekeys (account_id, key_id, public_key, private_key) VALUES ('a', 1, x'05', x'00')`).run();
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(migrate(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(migrateOmemo(db)).toBe(OMEMO_MIGRATIONS.at(-1)!.version);
    expect(db.prepare('SELECT count(*) AS n FROM omemo_prekeys').get()).toEqual({ n: 1 });
    expect(OMEMO_MIGRATIONS.every((m) => m.version >= 100)).toBe(true);
  });

  it('refuses trust values it does not know', () => {
    const db = new Database(':memory:');
    migrateOmemo(db);
    expect(() =>
      db
        .prepare(
          `INSERT INTO omemo_identities (account_id, jid, device_id, identity_key, trust, first_seen) VALUES ('a', 'b@c', 1, x'05', 'maybe', 0)`,
        )
        .run(),
    ).toThrow(/CHECK/);
  });
});
