// The profile's SQLite database (better-sqlite3): WAL for crash safety with concurrent readers,
// foreign keys on, migrated to the latest schema before anything else touches it.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { migrate } from './migrate.js';

export type Db = Database.Database;

export function openDatabase(profileDir: string, fileName = 'vireo.sqlite'): Db {
  mkdirSync(profileDir, { recursive: true, mode: 0o700 });
  const db = new Database(path.join(profileDir, fileName));
  db.pragma('journal_mode = WAL');
  // "Persist, then acknowledge" needs commits to survive a power cut, not only a crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}
