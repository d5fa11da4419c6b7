// The one migration runner, for the core schema and for OMEMO's (CONTRIBUTING.md 6): numbered
// migrations applied in order, each inside its own transaction together with the version it reaches,
// so a crash leaves a database at one version or the next, never between. A migration at or below
// the recorded version never runs again, and a database recorded newer than the code is refused.
//
// Each schema keeps its version where it always has, so existing profiles open unchanged: the core's
// is SQLite's user_version, OMEMO's the omemo_schema table (electron/omemo/migrations/index.ts).
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
import { migration0013 } from './migrations/0013-notice-values.js';
import { migration0014 } from './migrations/0014-send-failure-values.js';

import type { Migration } from './migrations/types.js';
export type { Migration };

/** Where a schema records the version it has reached. */
export interface SchemaVersion {
  /** Whose data it is, as the start of a sentence: "This profile", "This profile's OMEMO data". */
  readonly owner: string;
  read(db: Database.Database): number;
  /** Called inside the migration's transaction. */
  write(db: Database.Database, version: number): void;
}

/** The core schema's version: SQLite's user_version, in the file's header. */
export const USER_VERSION: SchemaVersion = {
  owner: 'This profile',
  read: (db) => db.pragma('user_version', { simple: true }) as number,
  write: (db, version) => void db.pragma(`user_version = ${version}`),
};

/** A version kept in a one-row table of its own (created when first read). */
export function tableVersion(table: string, owner: string): SchemaVersion {
  if (!/^[a-z_][a-z0-9_]*$/.test(table)) throw new Error(`not a table name: ${table}`);
  return {
    owner,
    read(db) {
      db.exec(`CREATE TABLE IF NOT EXISTS ${table} (id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)`);
      return (db.prepare(`SELECT version FROM ${table} WHERE id = 1`).get() as { version: number } | undefined)?.version ?? 0;
    },
    write: (db, version) =>
      void db
        .prepare(`INSERT INTO ${table} (id, version) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version`)
        .run(version),
  };
}

/** The database was written by a newer Vireo: opening it here could lose what this version does not know. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly owner: string,
    readonly found: number,
    readonly known: number,
  ) {
    super(`${owner} was written by a newer Vireo (schema ${found}, this version knows ${known}).`);
    this.name = 'SchemaTooNewError';
  }
}

export const MIGRATIONS: Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0012,
  migration0013,
  migration0014,
];

/** Brings one schema up to its last migration; returns the version reached. */
export function runMigrations(db: Database.Database, migrations: readonly Migration[], where: SchemaVersion): number {
  migrations.forEach((m, i) => {
    if (i > 0 && m.version <= migrations[i - 1]!.version)
      throw new Error(`migrations out of order: ${migrations[i - 1]!.name} before ${m.name}`);
  });
  let current = where.read(db);
  const latest = migrations.at(-1)?.version ?? 0;
  if (current > latest) throw new SchemaTooNewError(where.owner, current, latest);
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      where.write(db, m.version);
    })();
    current = m.version;
  }
  return current;
}

/** The core schema (versions 1–99). */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): number {
  return runMigrations(db, migrations, USER_VERSION);
}
