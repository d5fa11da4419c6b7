import { describe, expect, it } from 'vitest';
import { migratedBefore, migrateTo } from './migrated-to.js';

describe('migration 0012-chat-markers', () => {
  it('adds the marker tables to an existing profile; they go with the messages, chats and accounts they belong to', () => {
    const db = migratedBefore(12);
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('a', 'me@x.y', 'me', 'memory', 'r', 0)`,
    ).run();
    db.prepare(`INSERT INTO conversations (id, account_id, peer, last_activity) VALUES ('c', 'a', 'bob@x.y', 0)`).run();
    db.prepare(
      `INSERT INTO messages (id, conversation_id, direction, body, timestamp, state) VALUES ('m', 'c', 'in', 'hi', 0, 'received')`,
    ).run();
    expect(migrateTo(db, 12)).toBe(12);
    expect(db.prepare('SELECT body FROM messages').get()).toEqual({ body: 'hi' });
    db.prepare(`INSERT INTO markable_messages (message_id, marker_id) VALUES ('m', 'their-id')`).run();
    db.prepare(`INSERT INTO sent_markers (conversation_id, message_id) VALUES ('c', 'm')`).run();
    db.prepare(
      `INSERT INTO pending_markers (account_id, peer, marked_id, level, received_at) VALUES ('a', 'bob@x.y', 'x', 'displayed', 0)`,
    ).run();
    expect(() =>
      db
        .prepare(`INSERT INTO pending_markers (account_id, peer, marked_id, level, received_at) VALUES ('a', 'bob@x.y', 'y', 'seen', 0)`)
        .run(),
    ).toThrow(/CHECK/);
    db.prepare(`DELETE FROM messages`).run();
    expect(db.prepare('SELECT count(*) AS n FROM markable_messages').get()).toEqual({ n: 0 });
    expect(db.prepare('SELECT count(*) AS n FROM sent_markers').get()).toEqual({ n: 0 });
    db.prepare(`DELETE FROM accounts`).run();
    expect(db.prepare('SELECT count(*) AS n FROM pending_markers').get()).toEqual({ n: 0 });
  });
});
