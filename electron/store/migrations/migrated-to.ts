// For the migration tests: a database as it was just before a migration, and the step up to it.
import Database from 'better-sqlite3';
import { migrate, MIGRATIONS } from '../migrate.js';

/** A fresh in-memory database (foreign keys on, as openDatabase has them) with every core migration below `version`. */
export function migratedBefore(version: number): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(
    db,
    MIGRATIONS.filter((m) => m.version < version),
  );
  return db;
}

/** Applies the core migrations up to and including `version`; returns the version reached. */
export const migrateTo = (db: Database.Database, version: number): number =>
  migrate(
    db,
    MIGRATIONS.filter((m) => m.version <= version),
  );
