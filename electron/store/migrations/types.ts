// What a numbered schema migration is (the runner is ../migrate.ts). A file of its own so that the
// migrations and the runner that lists them do not import each other.
import type Database from 'better-sqlite3';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}
