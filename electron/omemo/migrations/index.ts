// OMEMO's migrations, kept beside the OMEMO code and numbered from 100. They run through the one
// migration runner (electron/store/migrate.ts) and record their version in the omemo_schema table,
// as they always have, so the core's user_version and OMEMO's never step on each other.
import type Database from 'better-sqlite3';
import { runMigrations, tableVersion, type Migration } from '../../store/migrate.js';
import { migration0100 } from './0100-omemo-init.js';
import { migration0101 } from './0101-omemo-devices.js';
import { migration0102 } from './0102-omemo-heartbeats.js';

export const OMEMO_MIGRATIONS: Migration[] = [migration0100, migration0101, migration0102];

/** Where OMEMO's schema version is kept. */
export const OMEMO_VERSION = tableVersion('omemo_schema', "This profile's OMEMO data");

export function migrateOmemo(db: Database.Database, migrations: readonly Migration[] = OMEMO_MIGRATIONS): number {
  return runMigrations(db, migrations, OMEMO_VERSION);
}
