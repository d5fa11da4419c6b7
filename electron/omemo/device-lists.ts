// Which OMEMO devices each JID has published (XEP-0384 v0.3 §4.3), and this account's own device id,
// in SQLite (migration 0101). A device that leaves its owner's list stays known as inactive: its
// trust decision is kept and old messages can still name it.
import type Database from 'better-sqlite3';
import { randomInt } from 'node:crypto';

export interface KnownDevice {
  deviceId: number;
  active: boolean;
}

export function createDeviceLists(db: Database.Database, now: () => number = Date.now) {
  const q = {
    own: db.prepare('SELECT device_id FROM omemo_own_device WHERE account_id = ?'),
    setOwn: db.prepare('INSERT INTO omemo_own_device (account_id, device_id, created_at) VALUES (?, ?, ?)'),
    list: db.prepare('SELECT device_id, active FROM omemo_device_lists WHERE account_id = ? AND jid = ? ORDER BY device_id'),
    deactivate: db.prepare('UPDATE omemo_device_lists SET active = 0, updated_at = ? WHERE account_id = ? AND jid = ? AND active = 1'),
    upsert: db.prepare(`INSERT INTO omemo_device_lists (account_id, jid, device_id, active, updated_at) VALUES (?, ?, ?, 1, ?)
      ON CONFLICT (account_id, jid, device_id) DO UPDATE SET active = 1, updated_at = excluded.updated_at`),
    seen: db.prepare('SELECT seen_at FROM omemo_device_list_seen WHERE account_id = ? AND jid = ?'),
    setSeen: db.prepare(`INSERT INTO omemo_device_list_seen (account_id, jid, seen_at) VALUES (?, ?, ?)
      ON CONFLICT (account_id, jid) DO UPDATE SET seen_at = excluded.seen_at`),
    forget: [
      'DELETE FROM omemo_own_device WHERE account_id = ?',
      'DELETE FROM omemo_device_lists WHERE account_id = ?',
      'DELETE FROM omemo_device_list_seen WHERE account_id = ?',
      'DELETE FROM omemo_identity WHERE account_id = ?',
      'DELETE FROM omemo_prekeys WHERE account_id = ?',
      'DELETE FROM omemo_signed_prekeys WHERE account_id = ?',
      'DELETE FROM omemo_sessions WHERE account_id = ?',
      'DELETE FROM omemo_identities WHERE account_id = ?',
      'DELETE FROM omemo_heartbeats WHERE account_id = ?',
    ].map((sql) => db.prepare(sql)),
  };

  return {
    /** This account's device id, made on first use: §4.2 "a randomly generated integer between 1 and 2^31 - 1". */
    ownDeviceId(accountId: string): number {
      const row = q.own.get(accountId) as { device_id: number } | undefined;
      if (row) return row.device_id;
      const id = randomInt(1, 0x7fffffff);
      q.setOwn.run(accountId, id, now());
      return id;
    },
    hasOwnDevice: (accountId: string) => q.own.get(accountId) !== undefined,
    devices: (accountId: string, jid: string): KnownDevice[] =>
      (q.list.all(accountId, jid) as { device_id: number; active: number }[]).map((r) => ({
        deviceId: r.device_id,
        active: r.active === 1,
      })),
    activeIds(accountId: string, jid: string): number[] {
      return this.devices(accountId, jid)
        .filter((d) => d.active)
        .map((d) => d.deviceId);
    },
    /** The list as just published (a fetch or a PEP push): it replaces the active set. Returns whether anything changed. */
    replace: db.transaction((accountId: string, jid: string, ids: readonly number[]): boolean => {
      const before = (q.list.all(accountId, jid) as { device_id: number; active: number }[])
        .filter((r) => r.active === 1)
        .map((r) => r.device_id)
        .sort();
      const t = now();
      q.deactivate.run(t, accountId, jid);
      for (const id of ids) q.upsert.run(accountId, jid, id, t);
      q.setSeen.run(accountId, jid, t);
      const after = [...new Set(ids)].sort();
      return before.length !== after.length || before.some((v, i) => v !== after[i]);
    }),
    /** When the JID's list was last read; undefined if never (then it must be fetched before sending). */
    seenAt: (accountId: string, jid: string): number | undefined =>
      (q.seen.get(accountId, jid) as { seen_at: number } | undefined)?.seen_at,
    /** Everything OMEMO of one account: its keys can no longer be opened (lost storage key) or the account is gone. */
    forgetAccount: db.transaction((accountId: string) => {
      for (const s of q.forget) s.run(accountId);
    }),
  };
}
export type DeviceLists = ReturnType<typeof createDeviceLists>;
