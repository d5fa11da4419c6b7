// The profile's SQLite database (better-sqlite3): WAL for crash safety with concurrent readers,
// foreign keys on, migrated to the latest schema (the core's, then OMEMO's) before anything else touches it.
import Database from 'better-sqlite3';
import path from 'node:path';
import { migrate } from './migrate.js';
import { migrateOmemo } from '../omemo/migrations/index.js';
import { createPrivateFile, secureProfileDir } from './private-profile.js';

export type Db = Database.Database;

export function openDatabase(profileDir: string, fileName = 'vireo.sqlite'): Db {
  // Before anything is read or written: the folder 0700 and its files 0600 (private-profile.ts).
  secureProfileDir(profileDir);
  const file = path.join(profileDir, fileName);
  createPrivateFile(file);
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  // "Persist, then acknowledge" needs commits to survive a power cut, not only a crash.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // Deleted content is overwritten with zeros, not left in free space: a message deleted for
  // everyone (XEP-0424/0425) must not stay readable in the file (see MessagesRepo.retract), nor
  // OMEMO ratchet keys that were replaced (forward secrecy also on disk).
  db.pragma('secure_delete = ON');
  migrate(db);
  migrateOmemo(db);
  return db;
}
