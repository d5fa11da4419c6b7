// Room invitations in a real SQLite database with every migration: one per room, the latest
// replacing an earlier one, oldest first, per account.
import { beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { migrate } from './migrate.js';
import { createRoomInvitationsRepo, type RoomInvitationRecord, type RoomInvitationsRepo } from './room-invitations-repo.js';
import type { AccountId, BareJid } from '../../shared/ids.js';

let db: Database.Database;
let repo: RoomInvitationsRepo;
const A = 'a' as AccountId;
const B = 'b' as AccountId;
const inv = (accountId: AccountId, room: string, receivedAt: number, more: Partial<RoomInvitationRecord> = {}): RoomInvitationRecord => ({
  accountId,
  room: room as BareJid,
  kind: 'direct',
  hasPassword: false,
  receivedAt,
  ...more,
});

beforeEach(() => {
  db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  for (const [id, jid] of [
    ['a', 'me@x.y'],
    ['b', 'other@x.y'],
  ]) {
    db.prepare(
      `INSERT INTO accounts (id, jid, display_name, secret_backend, resource, created_at) VALUES (?, ?, 'me', 'memory', 'r', 0)`,
    ).run(id, jid);
  }
  repo = createRoomInvitationsRepo(db);
});

describe('room invitations', () => {
  it('read back as kept, optional parts absent when not given', () => {
    const full = inv(A, 'tea@muc.x.y', 10, { kind: 'mediated', inviter: 'bob@x.y', reason: 'Come!', hasPassword: true });
    repo.put(full);
    repo.put(inv(A, 'work@muc.x.y', 20));
    expect(repo.get(A, 'tea@muc.x.y')).toEqual(full);
    expect(repo.get(A, 'work@muc.x.y')).toEqual({ accountId: A, room: 'work@muc.x.y', kind: 'direct', hasPassword: false, receivedAt: 20 });
    expect(repo.get(B, 'tea@muc.x.y')).toBeUndefined();
  });

  it('one per room and account: the latest replaces the earlier, whole', () => {
    repo.put(inv(A, 'tea@muc.x.y', 10, { kind: 'mediated', inviter: 'bob@x.y', reason: 'Come!', hasPassword: true }));
    repo.put(inv(A, 'tea@muc.x.y', 30, { inviter: 'carol@x.y' }));
    expect(repo.ofAccount(A)).toEqual([inv(A, 'tea@muc.x.y', 30, { inviter: 'carol@x.y' })]);
  });

  it('list oldest first, per account or all', () => {
    repo.put(inv(A, 'late@muc.x.y', 30));
    repo.put(inv(B, 'mid@muc.x.y', 20));
    repo.put(inv(A, 'early@muc.x.y', 10));
    expect(repo.ofAccount(A).map((i) => i.room)).toEqual(['early@muc.x.y', 'late@muc.x.y']);
    expect(repo.list().map((i) => i.room)).toEqual(['early@muc.x.y', 'mid@muc.x.y', 'late@muc.x.y']);
  });

  it('go when answered, and with their account', () => {
    repo.put(inv(A, 'tea@muc.x.y', 10));
    repo.put(inv(A, 'work@muc.x.y', 20));
    repo.put(inv(B, 'tea@muc.x.y', 30));
    repo.remove(A, 'tea@muc.x.y');
    expect(repo.ofAccount(A).map((i) => i.room)).toEqual(['work@muc.x.y']);
    db.prepare(`DELETE FROM accounts WHERE id = 'a'`).run();
    expect(repo.list().map((i) => [i.accountId, i.room])).toEqual([['b', 'tea@muc.x.y']]);
  });
});
