// Room notices among the messages (migration 0009): in the history in their place, but never unread
// and never what a read marker points at (they have no id anyone else knows).
import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDatabase, type Db } from './db.js';
import { createMessagesRepo, conversationIdOf } from './messages-repo.js';
import type { NewMessage } from './messages-repo.js';

let dir: string;
let db: Db | undefined;
afterEach(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('room notices in the message store', () => {
  it('are in the history, not unread (also when unread is counted again after a read elsewhere), and not what read markers point at', () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'vireo-notices-'));
    db = openDatabase(dir);
    db.prepare(`INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('acc', 'alice@example.test', 'Alice', 'memory', 'r', 0)`).run();
    const repo = createMessagesRepo(db);
    const room = 'tea@conference.example.test';
    const conversationId = conversationIdOf('acc', room);
    const base: Omit<NewMessage, 'body' | 'timestamp'> = { conversationId, direction: 'in', state: 'received' };
    repo.add('acc', room, { ...base, body: 'hello all', timestamp: 1000, stanzaId: 'arch-1', senderNick: 'Bob' }, { kind: 'room' });
    repo.add('acc', room, { ...base, body: 'Carol was removed from the room by Alice.', timestamp: 2000, notice: true }, { kind: 'room', countUnread: false });
    const page = repo.history(conversationId, 10);
    expect(page.messages.map((m) => [m.body, !!m.notice])).toEqual([['hello all', false], ['Carol was removed from the room by Alice.', true]]);
    expect(repo.conversation(conversationId)?.unread).toBe(1);
    expect(repo.lastIncoming(conversationId)?.stanzaId).toBe('arch-1');
    // Read on another device up to an earlier message: what counts as unread after it is Bob's
    // message only, not the notice between.
    // (An older message from the archive: it comes with its place, before the others.)
    repo.add('acc', room, { ...base, body: 'first', timestamp: 500, sortKey: 500, stanzaId: 'arch-0', senderNick: 'Bob' }, { kind: 'room' });
    expect(repo.conversation(conversationId)?.unread).toBe(2);
    expect(repo.setUnreadAfterArchiveId(conversationId, 'arch-0')).toBe(true);
    expect(repo.conversation(conversationId)?.unread).toBe(1);
  });
});
