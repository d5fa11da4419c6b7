// Chat markers in a real SQLite database with every migration: what a marker covers, that state and
// sent markers only move forward, and that markers waiting for their message are bounded.
import { beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from './migrate.js';
import { createMarkersRepo, type MarkersRepo } from './markers-repo.js';

let db: Database.Database;
let repo: MarkersRepo;
let n = 0;
function msg(direction: 'in' | 'out', state: string, sortKey: number, conv = 'c'): string {
  const id = `m${++n}`;
  db.prepare(`INSERT INTO messages (id, conversation_id, direction, body, timestamp, state, sort_key) VALUES (?, ?, ?, 'x', 0, ?, ?)`).run(
    id,
    conv,
    direction,
    state,
    sortKey,
  );
  return id;
}
const stateOf = (id: string) => (db.prepare('SELECT state FROM messages WHERE id = ?').get(id) as { state: string }).state;

beforeEach(() => {
  db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  db.prepare(
    `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES ('a', 'me@x.y', 'me', 'memory', 'r', 0)`,
  ).run();
  for (const [id, peer] of [
    ['c', 'bob@x.y'],
    ['d', 'carol@x.y'],
  ]) {
    db.prepare(`INSERT INTO conversations (id, account_id, peer, last_activity) VALUES (?, 'a', ?, 0)`).run(id, peer);
  }
  repo = createMarkersRepo(db);
});

describe('a contact marker (XEP-0333 §6: up to and including)', () => {
  it('makes our earlier messages read, not later ones, not failed ones, not another chat; the anchor even while pending', () => {
    const failed = msg('out', 'failed', 1);
    const sent = msg('out', 'sent', 2);
    const delivered = msg('out', 'delivered', 3);
    const theirs = msg('in', 'received', 4);
    const anchor = msg('out', 'pending', 5);
    const later = msg('out', 'sent', 6);
    const elsewhere = msg('out', 'sent', 1, 'd');
    expect(repo.raiseOutgoing('c', anchor, 'displayed').sort()).toEqual([sent, delivered, anchor].sort());
    expect([failed, sent, delivered, theirs, anchor, later, elsewhere].map(stateOf)).toEqual([
      'failed',
      'read',
      'read',
      'received',
      'read',
      'sent',
      'sent',
    ]);
  });

  it('received: earlier ones delivered; never takes a read message back', () => {
    const read = msg('out', 'read', 1);
    const sent = msg('out', 'sent', 2);
    const anchor = msg('out', 'sent', 3);
    expect(repo.raiseOutgoing('c', anchor, 'received').sort()).toEqual([sent, anchor].sort());
    expect([read, sent, anchor].map(stateOf)).toEqual(['read', 'delivered', 'delivered']);
  });
});

describe('our displayed markers only move forward (§7)', () => {
  it('records a later message, refuses the same one again and an earlier one', () => {
    const first = msg('in', 'received', 1);
    const second = msg('in', 'received', 2);
    expect(repo.advanceSentMarker('c', second)).toBe(true);
    expect(repo.advanceSentMarker('c', second)).toBe(false);
    expect(repo.advanceSentMarker('c', first)).toBe(false);
    expect(repo.sentMarker('c')).toBe(second);
    expect(repo.advanceSentMarker('c', msg('in', 'received', 3))).toBe(true);
  });

  it('the last message that asked for markers is the one to mark, with the id it asked under', () => {
    const markable = msg('in', 'received', 1);
    msg('in', 'received', 2); // did not ask
    msg('out', 'sent', 3);
    repo.setMarkable(markable, 'their-id');
    expect(repo.lastMarkable('c')).toEqual({ messageId: markable, markerId: 'their-id' });
    expect(repo.incomingByMarkerId('c', 'their-id')).toBe(markable);
  });
});

describe('markers waiting for their message', () => {
  it('are taken once, the more significant kept', () => {
    repo.addPending('a', 'bob@x.y', 'x', 'displayed');
    repo.addPending('a', 'bob@x.y', 'x', 'received');
    expect(repo.takePending('a', 'bob@x.y', 'x')).toBe('displayed');
    expect(repo.takePending('a', 'bob@x.y', 'x')).toBeUndefined();
  });

  it('are bounded: 50 per chat, newest kept, and none older than 30 days (anyone can send markers for ids that never come)', () => {
    const now = Date.now();
    repo.addPending('a', 'carol@x.y', 'old', 'displayed', now - 31 * 24 * 3600_000);
    for (let i = 0; i < 60; i++) repo.addPending('a', 'bob@x.y', `id-${i}`, 'displayed', now + i);
    const count = (peer: string) => (db.prepare('SELECT count(*) AS k FROM pending_markers WHERE peer = ?').get(peer) as { k: number }).k;
    expect(count('bob@x.y')).toBe(50);
    expect(count('carol@x.y')).toBe(0);
    expect(repo.takePending('a', 'bob@x.y', 'id-59')).toBe('displayed');
    expect(repo.takePending('a', 'bob@x.y', 'id-0')).toBeUndefined();
  });
});
