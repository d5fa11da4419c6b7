// Room invitations waiting for the user's answer (table room_invitations, migration 0006): one per
// room and account, the latest replacing an earlier one. The password is never here: it goes to the
// account's SecretStore, and the row only says whether there is one.
import type { Db } from './db.js';
import type { AccountId, BareJid } from '../../shared/ids.js';

export interface RoomInvitationRecord {
  accountId: AccountId;
  room: BareJid;
  kind: 'direct' | 'mediated';
  inviter?: string;
  reason?: string;
  hasPassword: boolean;
  receivedAt: number;
}

interface Row {
  account_id: string;
  room: string;
  kind: 'direct' | 'mediated';
  inviter: string | null;
  reason: string | null;
  has_password: number;
  received_at: number;
}

const fromRow = (r: Row): RoomInvitationRecord => ({
  accountId: r.account_id as AccountId,
  room: r.room as BareJid,
  kind: r.kind,
  ...(r.inviter !== null ? { inviter: r.inviter } : {}),
  ...(r.reason !== null ? { reason: r.reason } : {}),
  hasPassword: r.has_password === 1,
  receivedAt: r.received_at,
});

export function createRoomInvitationsRepo(db: Db) {
  const all = db.prepare<[], Row>('SELECT * FROM room_invitations ORDER BY received_at');
  const ofAccount = db.prepare<[string], Row>('SELECT * FROM room_invitations WHERE account_id = ? ORDER BY received_at');
  const one = db.prepare<[string, string], Row>('SELECT * FROM room_invitations WHERE account_id = ? AND room = ?');
  const upsert = db.prepare(`INSERT INTO room_invitations (account_id, room, kind, inviter, reason, has_password, received_at)
    VALUES (@account_id, @room, @kind, @inviter, @reason, @has_password, @received_at)
    ON CONFLICT (account_id, room) DO UPDATE SET kind = excluded.kind, inviter = excluded.inviter, reason = excluded.reason,
      has_password = excluded.has_password, received_at = excluded.received_at`);
  const remove = db.prepare<[string, string]>('DELETE FROM room_invitations WHERE account_id = ? AND room = ?');
  return {
    /** Every account's invitations, oldest first. */
    list: (): RoomInvitationRecord[] => all.all().map(fromRow),
    /** One account's invitations, oldest first. */
    ofAccount: (accountId: string): RoomInvitationRecord[] => ofAccount.all(accountId).map(fromRow),
    get(accountId: string, room: string): RoomInvitationRecord | undefined {
      const r = one.get(accountId, room);
      return r && fromRow(r);
    },
    /** Keep an invitation; one already there for the same room is replaced. */
    put(i: RoomInvitationRecord): void {
      upsert.run({
        account_id: i.accountId,
        room: i.room,
        kind: i.kind,
        inviter: i.inviter ?? null,
        reason: i.reason ?? null,
        has_password: i.hasPassword ? 1 : 0,
        received_at: i.receivedAt,
      });
    },
    remove: (accountId: string, room: string) => void remove.run(accountId, room),
  };
}
export type RoomInvitationsRepo = ReturnType<typeof createRoomInvitationsRepo>;
