// A message deleted for everyone must not stay readable in the profile's files: not in the database's
// free space (secure_delete) and not in old page images of the write-ahead log (checkpoint).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from './db.js';
import { createMessagesRepo } from './messages-repo.js';

let dir: string;
let db: Db | undefined;
afterEach(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

const onDisk = (needle: string) =>
  ['vireo.sqlite', 'vireo.sqlite-wal'].some(
    (f) => existsSync(path.join(dir, f)) && readFileSync(path.join(dir, f)).includes(Buffer.from(needle)),
  );

describe('retracted text on disk', () => {
  it('is gone from the database file and its write-ahead log shortly after the retraction', async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vireo-scrub-'));
    db = openDatabase(dir);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('acc', 'alice@example.test', 'Alice', 'memory', 'r', 0)`,
    ).run();
    const repo = createMessagesRepo(db);
    const secret = 'the door code is 4711-secret';
    const kept = 'see you at noon';
    const m = repo.add('acc', 'bob@example.test', {
      conversationId: '',
      accountId: 'acc',
      peer: 'bob@example.test',
      direction: 'out',
      body: secret,
      timestamp: Date.now(),
      state: 'sent',
      originId: 'o1',
    } as never)!;
    repo.add('acc', 'bob@example.test', {
      conversationId: '',
      accountId: 'acc',
      peer: 'bob@example.test',
      direction: 'in',
      body: kept,
      timestamp: Date.now(),
      state: 'received',
    } as never);
    expect(onDisk(secret)).toBe(true);
    expect(repo.retract(m.id, { by: 'sender', at: Date.now() })?.body).toBe('');
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(onDisk(secret)).toBe(false);
    expect(onDisk(kept)).toBe(true);
  });
});
