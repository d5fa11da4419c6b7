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
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('acc', 'alice@example.test', 'Alice', 'memory', 'r', 0)`,
    ).run();
    const repo = createMessagesRepo(db);
    const room = 'tea@conference.example.test';
    const conversationId = conversationIdOf('acc', room);
    const base: Omit<NewMessage, 'body' | 'timestamp'> = { conversationId, direction: 'in', state: 'received' };
    repo.add('acc', room, { ...base, body: 'hello all', timestamp: 1000, stanzaId: 'arch-1', senderNick: 'Bob' }, { kind: 'room' });
    const notice = { kind: 'removed', nick: 'Carol', cause: 'kicked', actor: 'Alice' } as const;
    repo.add('acc', room, { ...base, body: '', timestamp: 2000, notice }, { kind: 'room', countUnread: false });
    const page = repo.history(conversationId, 10);
    expect(page.messages.map((m) => [m.body, m.notice])).toEqual([
      ['hello all', undefined],
      ['', notice],
    ]);
    // The room's preview in the chat list is what someone wrote: a notice has no text of its own.
    expect(repo.lastMessage(conversationId)?.body).toBe('hello all');
    expect(repo.conversation(conversationId)?.unread).toBe(1);
    expect(repo.lastIncoming(conversationId)?.stanzaId).toBe('arch-1');
    // Read on another device up to an earlier message: what counts as unread after it is Bob's
    // message only, not the notice between.
    // (An older message from the archive: it comes with its place, before the others.)
    repo.add(
      'acc',
      room,
      { ...base, body: 'first', timestamp: 500, sortKey: 500, stanzaId: 'arch-0', senderNick: 'Bob' },
      { kind: 'room' },
    );
    expect(repo.conversation(conversationId)?.unread).toBe(2);
    expect(repo.setUnreadAfterArchiveId(conversationId, 'arch-0')).toBe(true);
    expect(repo.conversation(conversationId)?.unread).toBe(1);
  });
});
