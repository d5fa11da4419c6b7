// A message that happens now (sent, received live, a room notice) goes after everything the
// conversation shows, even when archived messages before it carry a server clock ahead of ours.
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from './db.js';
import { createMessagesRepo, conversationIdOf, type NewMessage } from './messages-repo.js';

let dir: string;
let db: Db | undefined;
afterEach(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('where a new message goes', () => {
  it('after archived messages stamped by a clock ahead of ours; an archived one keeps the place it was given', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vireo-order-'));
    db = openDatabase(dir);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('acc', 'alice@example.test', 'Alice', 'memory', 'r', 0)`,
    ).run();
    const repo = createMessagesRepo(db);
    const peer = 'bob@example.test';
    const conversationId = conversationIdOf('acc', peer);
    const base: Omit<NewMessage, 'body' | 'timestamp'> = { conversationId, direction: 'in', state: 'received' };
    const now = 1_000_000;
    // Caught up from the archive: the server's stamps are 5 s ahead of our clock.
    repo.add('acc', peer, { ...base, body: 'archived 1', timestamp: now + 5000, sortKey: now + 5000, stanzaId: 'a1' });
    repo.add('acc', peer, { ...base, body: 'archived 2', timestamp: now + 5000, sortKey: now + 5000.001, stanzaId: 'a2' });
    // Then one arrives live (our clock), and the user answers.
    repo.add('acc', peer, { ...base, body: 'live', timestamp: now + 100 }, { atEnd: true });
    repo.add('acc', peer, { ...base, direction: 'out', state: 'pending', body: 'my answer', timestamp: now + 200 });
    // An older page fetched later keeps the place the archive gave it.
    repo.add('acc', peer, { ...base, body: 'older', timestamp: now - 9000, sortKey: now - 9000, stanzaId: 'a0' });
    expect(repo.history(conversationId, 10).messages.map((m) => m.body)).toEqual([
      'older',
      'archived 1',
      'archived 2',
      'live',
      'my answer',
    ]);
    // Its time stays what it was: only its place moved.
    expect(repo.history(conversationId, 10).messages.find((m) => m.body === 'live')?.timestamp).toBe(now + 100);
  });
});
