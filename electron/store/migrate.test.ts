// The one migration runner, for both schemas: in order, each migration with its version in one
// transaction, never twice, and a database newer than the code refused in words.
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate, MIGRATIONS, runMigrations, SchemaTooNewError, tableVersion, USER_VERSION, type Migration } from './migrate.js';
import { migrateOmemo, OMEMO_MIGRATIONS } from '../omemo/migrations/index.js';

const step = (version: number, sql: string, runs: number[] = []): Migration => ({
  version,
  name: `step-${version}`,
  up: (db) => {
    runs.push(version);
    db.exec(sql);
  },
});

describe('the migration runner', () => {
  it('applies what is missing, in order, and never runs a migration twice', () => {
    const db = new Database(':memory:');
    const runs: number[] = [];
    const list = [step(1, 'CREATE TABLE a (x)', runs), step(2, 'CREATE TABLE b (x)', runs)];
    expect(runMigrations(db, list.slice(0, 1), USER_VERSION)).toBe(1);
    expect(runMigrations(db, list, USER_VERSION)).toBe(2);
    expect(runMigrations(db, list, USER_VERSION)).toBe(2);
    expect(runs).toEqual([1, 2]);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
  });

  it('keeps a failed migration out entirely: its changes and its version roll back together', () => {
    const db = new Database(':memory:');
    const broken: Migration = {
      version: 2,
      name: 'broken',
      up: (d) => {
        d.exec('CREATE TABLE half (x)');
        throw new Error('disk on fire');
      },
    };
    expect(() => runMigrations(db, [step(1, 'CREATE TABLE a (x)'), broken], USER_VERSION)).toThrow(/disk on fire/);
    expect(db.pragma('user_version', { simple: true })).toBe(1);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'half'`).get()).toEqual({ n: 0 });
  });

  it('refuses a database newer than the code, saying so, and changes nothing', () => {
    const db = new Database(':memory:');
    db.pragma('user_version = 13');
    expect(() => runMigrations(db, [step(12, 'CREATE TABLE a (x)')], USER_VERSION)).toThrow(
      'This profile was written by a newer Vireo (schema 13, this version knows 12).',
    );
    expect(() => runMigrations(db, [step(12, 'CREATE TABLE a (x)')], USER_VERSION)).toThrow(SchemaTooNewError);
    expect(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'a'`).get()).toEqual({ n: 0 });
  });

  it('keeps a version in a table of its own, apart from user_version', () => {
    const db = new Database(':memory:');
    const where = tableVersion('extra_schema', 'The extra data');
    expect(runMigrations(db, [step(100, 'CREATE TABLE e (x)')], where)).toBe(100);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
    expect(where.read(db)).toBe(100);
    db.prepare('UPDATE extra_schema SET version = 101').run();
    expect(() => runMigrations(db, [step(100, 'CREATE TABLE e (x)')], where)).toThrow(
      'The extra data was written by a newer Vireo (schema 101, this version knows 100).',
    );
  });

  it('refuses a list that is out of order or numbers a version twice', () => {
    const db = new Database(':memory:');
    expect(() => runMigrations(db, [step(2, 'SELECT 1'), step(1, 'SELECT 1')], USER_VERSION)).toThrow(/out of order/);
    expect(() => runMigrations(db, [step(1, 'SELECT 1'), step(1, 'SELECT 1')], USER_VERSION)).toThrow(/out of order/);
    expect(db.pragma('user_version', { simple: true })).toBe(0);
  });
});

describe('the core and OMEMO schemas through the one runner', () => {
  it('are numbered apart (core below 100, OMEMO from 100) and each records its own version', () => {
    expect(MIGRATIONS.every((m) => m.version < 100)).toBe(true);
    expect(OMEMO_MIGRATIONS.every((m) => m.version >= 100)).toBe(true);
    const db = new Database(':memory:');
    expect(migrate(db)).toBe(MIGRATIONS.at(-1)!.version);
    expect(migrateOmemo(db)).toBe(OMEMO_MIGRATIONS.at(-1)!.version);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.prepare('SELECT version FROM omemo_schema').get()).toEqual({ version: OMEMO_MIGRATIONS.at(-1)!.version });
  });

  it('refuses OMEMO data from a newer Vireo in words', () => {
    const db = new Database(':memory:');
    migrateOmemo(db);
    db.prepare('UPDATE omemo_schema SET version = 999').run();
    expect(() => migrateOmemo(db)).toThrow(
      `This profile's OMEMO data was written by a newer Vireo (schema 999, this version knows ${OMEMO_MIGRATIONS.at(-1)!.version}).`,
    );
  });
});
