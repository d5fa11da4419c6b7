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
  // Deleted content is overwritten with zeros, not left in free space: a message deleted for
  // everyone (XEP-0424/0425) must not stay readable in the file (see MessagesRepo.retract), nor
  // OMEMO ratchet keys that were replaced (forward secrecy also on disk).
  db.pragma('secure_delete = ON');
  migrate(db);
  return db;
}
