// contacts and subscription_requests tables.
import type { Db } from './db.js';
import type { AccountId, BareJid } from '../../shared/ids.js';
import type { Subscription } from '../../shared/views.js';

export interface ContactRecord {
  accountId: AccountId;
  jid: BareJid;
  name?: string;
  groups: string[];
  subscription: Subscription;
  pendingOut: boolean;
}

export interface RequestRecord {
  accountId: AccountId;
  jid: BareJid;
  message?: string;
  receivedAt: number;
}

interface ContactRow {
  account_id: string;
  jid: string;
  name: string | null;
  groups_json: string;
  subscription: string;
  pending_out: number;
}
interface RequestRow {
  account_id: string;
  jid: string;
  message: string | null;
  received_at: number;
}

const contactFromRow = (r: ContactRow): ContactRecord => ({
  accountId: r.account_id as AccountId,
  jid: r.jid as BareJid,
  ...(r.name ? { name: r.name } : {}),
  groups: JSON.parse(r.groups_json) as string[],
  subscription: r.subscription as Subscription,
  pendingOut: r.pending_out === 1,
});

export function createRosterRepo(db: Db) {
  const upsertStmt = db.prepare(`INSERT INTO contacts (account_id, jid, name, groups_json, subscription, pending_out)
    VALUES (@account_id, @jid, @name, @groups_json, @subscription, @pending_out)
    ON CONFLICT (account_id, jid) DO UPDATE SET name = excluded.name, groups_json = excluded.groups_json,
      subscription = excluded.subscription, pending_out = excluded.pending_out`);
  const upsert = (c: ContactRecord) =>
    upsertStmt.run({
      account_id: c.accountId,
      jid: c.jid,
      name: c.name ?? null,
      groups_json: JSON.stringify(c.groups),
      subscription: c.subscription,
      pending_out: c.pendingOut ? 1 : 0,
    });
  return {
    contacts: (accountId?: string): ContactRecord[] =>
      (accountId
        ? db.prepare<[string], ContactRow>('SELECT * FROM contacts WHERE account_id = ? ORDER BY jid').all(accountId)
        : db.prepare<[], ContactRow>('SELECT * FROM contacts ORDER BY account_id, jid').all()
      ).map(contactFromRow),
    get(accountId: string, jid: string): ContactRecord | undefined {
      const r = db.prepare<[string, string], ContactRow>('SELECT * FROM contacts WHERE account_id = ? AND jid = ?').get(accountId, jid);
      return r && contactFromRow(r);
    },
    upsert,
    remove: (accountId: string, jid: string) =>
      void db.prepare('DELETE FROM contacts WHERE account_id = ? AND jid = ?').run(accountId, jid),
    /** A full roster replaces the stored one in one transaction (one UI event follows). */
    replaceAll: db.transaction((accountId: string, contacts: ContactRecord[]) => {
      db.prepare('DELETE FROM contacts WHERE account_id = ?').run(accountId);
      for (const c of contacts) upsert(c);
    }),
    requests: (accountId?: string): RequestRecord[] =>
      (accountId
        ? db.prepare<[string], RequestRow>('SELECT * FROM subscription_requests WHERE account_id = ? ORDER BY received_at').all(accountId)
        : db.prepare<[], RequestRow>('SELECT * FROM subscription_requests ORDER BY received_at').all()
      ).map((r) => ({
        accountId: r.account_id as AccountId,
        jid: r.jid as BareJid,
        ...(r.message ? { message: r.message } : {}),
        receivedAt: r.received_at,
      })),
    addRequest: (r: RequestRecord) =>
      void db
        .prepare(
          `INSERT INTO subscription_requests (account_id, jid, message, received_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (account_id, jid) DO UPDATE SET message = excluded.message`,
        )
        .run(r.accountId, r.jid, r.message ?? null, r.receivedAt),
    removeRequest: (accountId: string, jid: string) =>
      db.prepare('DELETE FROM subscription_requests WHERE account_id = ? AND jid = ?').run(accountId, jid).changes > 0,
  };
}
export type RosterRepo = ReturnType<typeof createRosterRepo>;
