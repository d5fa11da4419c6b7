// A profile written by an earlier Vireo opens in this one without losing anything. The fixture
// (fixtures/profile-2026-12.sqlite, see fixtures/README.md) was written by the code of December 2026,
// before the two migration runners became one: core schema 12 in user_version, OMEMO schema 102 in
// omemo_schema, and a row in every table a user's data lives in. It is opened the way Vireo opens a
// profile (openDatabase), then every row it held must still be there with the same values (in the
// columns it had: later migrations may add columns), each schema at this code's latest version, and
// opening it again must change nothing.
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase } from './db.js';
import { MIGRATIONS } from './migrate.js';
import { OMEMO_MIGRATIONS } from '../omemo/migrations/index.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/profile-2026-12.sqlite', import.meta.url));
/** The fixture as it was made: it is only read through copies, never regenerated. */
const FIXTURE_SHA256 = 'c866086267d42a14fddca5839ca5438addbcf03a0125cb085e1eeb7f93f34676';

type Row = Record<string, unknown>;
type Rows = Map<string, string[]>;

/**
 * What a later migration deliberately rewrites in the fixture's rows, per table: the fixture row as it
 * must read afterwards (in the fixture's columns). Every other row must come back exactly as it was.
 */
const REWRITTEN: Record<string, (row: Row) => Row> = {
  // 0013: a notice's sentence and a message's warning move, as values, to notice_data and warning_data;
  // 0014: why a message failed moves, as a value, to error_data.
  messages: (row) => {
    const moved = row.notice ? { ...row, body: '' } : row.warning ? { ...row, warning: null } : row;
    return moved.error ? { ...moved, error: null } : moved;
  },
};

/** Every row of every table, each as JSON of the given columns (all of them by default), sorted; `expect` maps a row first. */
function contents(
  db: Database.Database,
  columnsOf?: Map<string, string[]>,
  expect?: Record<string, (row: Row) => Row>,
): { rows: Rows; columns: Map<string, string[]> } {
  const rows: Rows = new Map();
  const columns = new Map<string, string[]>();
  const tables = db
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name <> 'sqlite_sequence' ORDER BY name`)
    .pluck()
    .all() as string[];
  for (const t of columnsOf ? [...columnsOf.keys()] : tables) {
    const cols = columnsOf?.get(t) ?? (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(t) as string[]);
    columns.set(t, cols);
    const all = db.prepare(`SELECT ${cols.map((c) => `"${c}"`).join(', ')} FROM "${t}"`).all() as Row[];
    const mapped = all.map((r) => expect?.[t]?.(r) ?? r);
    rows.set(
      t,
      mapped.map((r) => JSON.stringify(cols.map((c) => (Buffer.isBuffer(r[c]) ? `x'${(r[c] as Buffer).toString('hex')}'` : r[c])))).sort(),
    );
  }
  return { rows, columns };
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A copy of the fixture in a folder of its own: the profile is in WAL mode, and even reading it leaves files beside it. */
function copyOfFixture(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vireo-profile-'));
  dirs.push(dir);
  fs.copyFileSync(FIXTURE, path.join(dir, 'vireo.sqlite'));
  return dir;
}

describe('a profile written by the December 2026 code', () => {
  const original = fs.mkdtempSync(path.join(os.tmpdir(), 'vireo-fixture-'));
  fs.copyFileSync(FIXTURE, path.join(original, 'profile.sqlite'));
  const fixture = new Database(path.join(original, 'profile.sqlite'), { readonly: true, fileMustExist: true });
  const before = contents(fixture);
  const expected = contents(fixture, before.columns, REWRITTEN);
  const versions = {
    core: fixture.pragma('user_version', { simple: true }),
    omemo: fixture.prepare('SELECT version FROM omemo_schema').pluck().get(),
  };
  const outbox = fixture.prepare(`SELECT count(*) FROM messages WHERE direction = 'out' AND state = 'pending'`).pluck().get();
  fixture.close();
  fs.rmSync(original, { recursive: true, force: true });

  it('is the fixture the note describes: unchanged since it was made, schemas 12 and 102, with rows in every table of user data', () => {
    expect(createHash('sha256').update(fs.readFileSync(FIXTURE)).digest('hex')).toBe(FIXTURE_SHA256);
    expect(versions).toEqual({ core: 12, omemo: 102 });
    for (const t of [
      'accounts',
      'contacts',
      'subscription_requests',
      'conversations',
      'messages',
      'archive_sync',
      'rooms',
      'room_invitations',
      'room_settings',
      'markable_messages',
      'sent_markers',
      'pending_markers',
      'omemo_identity',
      'omemo_prekeys',
      'omemo_signed_prekeys',
      'omemo_sessions',
      'omemo_identities',
      'omemo_own_device',
      'omemo_device_lists',
      'omemo_device_list_seen',
      'omemo_heartbeats',
    ]) {
      expect(before.rows.get(t)?.length, t).toBeGreaterThan(0);
    }
    // Among them the messages that must never be lost: outgoing ones still waiting in the outbox.
    expect(outbox).toBe(2);
  });

  it('opens with every row kept, each schema at its latest version; opening it again changes nothing', () => {
    const dir = copyOfFixture();
    const db = openDatabase(dir);
    const after = contents(db, before.columns);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    expect(db.prepare('SELECT version FROM omemo_schema').pluck().get()).toBe(OMEMO_MIGRATIONS.at(-1)!.version);
    const everything = contents(db);
    // What 0013 moved is still there, worded as before: sentences it does not know are kept as they were.
    expect(db.prepare('SELECT notice_data FROM messages WHERE notice_data IS NOT NULL').pluck().all()).toEqual([
      JSON.stringify({ kind: 'legacy', text: 'bob joined' }),
    ]);
    expect(db.prepare('SELECT warning_data FROM messages WHERE warning_data IS NOT NULL').pluck().all()).toEqual([
      JSON.stringify({ kind: 'legacy', text: 'Could not be decrypted: no session' }),
    ]);
    // What 0014 moved: a reason it does not recognise (here a bare condition) is kept as it was.
    expect(db.prepare('SELECT error_data FROM messages WHERE error_data IS NOT NULL').pluck().all()).toEqual([
      JSON.stringify({ kind: 'legacy', text: 'service-unavailable' }),
    ]);
    const schema = db.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all();
    db.close();
    for (const [table, rows] of expected.rows) expect(after.rows.get(table), table).toEqual(rows);

    const again = openDatabase(dir);
    expect(contents(again).rows).toEqual(everything.rows);
    expect(again.prepare('SELECT type, name, sql FROM sqlite_master ORDER BY name').all()).toEqual(schema);
    expect(again.pragma('user_version', { simple: true })).toBe(MIGRATIONS.at(-1)!.version);
    again.close();
  });
});
