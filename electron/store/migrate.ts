// Numbered migrations (CONTRIBUTING.md 6), applied in order inside one transaction each; the schema
// version is SQLite's user_version, so a database knows what it has.
import type Database from 'better-sqlite3';
import { migration0001 } from './migrations/0001-init.js';
import { migration0002 } from './migrations/0002-sync.js';
import { migration0003 } from './migrations/0003-message-errors.js';
import { migration0004 } from './migrations/0004-rooms.js';
import { migration0005 } from './migrations/0005-encryption.js';
import { migration0006 } from './migrations/0006-room-invitations.js';
import { migration0007 } from './migrations/0007-mentions-notify.js';
import { migration0008 } from './migrations/0008-retraction.js';
import { migration0009 } from './migrations/0009-notices.js';
import { migration0010 } from './migrations/0010-sign-in-mechanism.js';
import { migration0012 } from './migrations/0012-chat-markers.js';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

export const MIGRATIONS: Migration[] = [migration0001, migration0002, migration0003, migration0004, migration0005, migration0006, migration0007, migration0008, migration0009, migration0010, migration0012];

export function migrate(db: Database.Database, migrations: Migration[] = MIGRATIONS): number {
  let current = db.pragma('user_version', { simple: true }) as number;
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) {
    throw new Error(`This profile was written by a newer Vireo (schema ${current}, this version knows ${latest}).`);
  }
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    current = m.version;
  }
  return current;
}
