// OMEMO's migrations, kept beside the OMEMO code and numbered from 100.
//
// Two ways to run them:
// - migrateOmemo(db): OMEMO's own runner. It records its version in the omemo_schema table, so it
//   never touches SQLite's user_version, which belongs to the core runner (electron/store/migrate.ts).
// - Appending OMEMO_MIGRATIONS to the core MIGRATIONS. Caution: the core runner skips every
//   migration numbered at or below user_version, so once 100 has run, a core migration numbered
//   4..99 added later would be skipped. Append only if new core migrations then take numbers > 100
//   (or keep using migrateOmemo). The statements are IF NOT EXISTS, so switching from migrateOmemo
//   to the core runner later re-applies them harmlessly.
import type Database from 'better-sqlite3';
import type { Migration } from '../../store/migrate.js';
import { migration0100 } from './0100-omemo-init.js';
import { migration0101 } from './0101-omemo-devices.js';
import { migration0102 } from './0102-omemo-heartbeats.js';

export const OMEMO_MIGRATIONS: Migration[] = [migration0100, migration0101, migration0102];

export function migrateOmemo(db: Database.Database, migrations: Migration[] = OMEMO_MIGRATIONS): number {
  db.exec(`CREATE TABLE IF NOT EXISTS omemo_schema (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)`);
  const row = db.prepare('SELECT version FROM omemo_schema WHERE id = 1').get() as { version: number } | undefined;
  let current = row?.version ?? 0;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw new Error(`This profile's OMEMO data was written by a newer Vireo (schema ${current}, this version knows ${latest}).`);
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.prepare('INSERT INTO omemo_schema (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version').run(m.version);
    })();
    current = m.version;
  }
  return current;
}
