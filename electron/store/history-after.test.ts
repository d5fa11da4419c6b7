// The window drops the newest pages of a long history while its reader is far up, and asks for them
// again on the way down (issue #13): a page after a message, in the core's order, none twice.
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

describe('a page of history after a message', () => {
  it('walks back down from the oldest to the newest, including messages that share a sort key', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vireo-after-'));
    db = openDatabase(dir);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('acc', 'alice@example.test', 'Alice', 'memory', 'r', 0)`,
    ).run();
    const repo = createMessagesRepo(db);
    const peer = 'bob@example.test';
    const conversationId = conversationIdOf('acc', peer);
    const base: Omit<NewMessage, 'body' | 'timestamp'> = { conversationId, direction: 'in', state: 'received' };
    // Pairs stamped alike (a whole-second archive): their arrival keeps them apart.
    for (let i = 0; i < 25; i++)
      repo.add('acc', peer, { ...base, body: `m${i}`, timestamp: 1000 + Math.floor(i / 2), sortKey: 1000 + Math.floor(i / 2) });
    const all = repo.history(conversationId, 100).messages.map((m) => m.body);
    expect(all).toHaveLength(25);
    let page = repo.history(conversationId, 10, undefined, repo.history(conversationId, 100).messages[0]!.id);
    const walked = ['m0'];
    for (;;) {
      walked.push(...page.messages.map((m) => m.body));
      if (!page.hasMore) break;
      page = repo.history(conversationId, 10, undefined, page.messages.at(-1)!.id);
    }
    expect(walked).toEqual(all);
  });
});
