// The heartbeat counters of XEP-0384 v0.3 §4.6 ("empty OMEMO message") as Conversations keeps them:
// messages received from each device since we last encrypted anything for it. In SQLite (migration
// 0102), so a restart does not reset them; written in the transaction of the message that counted.
import type Database from 'better-sqlite3';

export function createHeartbeats(db: Database.Database) {
  const q = {
    bump: db.prepare(`INSERT INTO omemo_heartbeats (account_id, jid, device_id, unanswered) VALUES (?, ?, ?, 1)
      ON CONFLICT (account_id, jid, device_id) DO UPDATE SET unanswered = unanswered + 1
      RETURNING unanswered`),
    get: db.prepare('SELECT unanswered FROM omemo_heartbeats WHERE account_id = ? AND jid = ? AND device_id = ?'),
    reset: db.prepare('DELETE FROM omemo_heartbeats WHERE account_id = ? AND jid = ? AND device_id = ?'),
  };
  return {
    /** One more message from this device; returns how many are now unanswered. */
    received: (accountId: string, jid: string, deviceId: number): number =>
      (q.bump.get(accountId, jid, deviceId) as { unanswered: number }).unanswered,
    unanswered: (accountId: string, jid: string, deviceId: number): number =>
      (q.get.get(accountId, jid, deviceId) as { unanswered: number } | undefined)?.unanswered ?? 0,
    /** We encrypted for these devices (a message, or the heartbeat itself): their counts start again. */
    answered: db.transaction((accountId: string, jid: string, deviceIds: readonly number[]) => {
      for (const id of deviceIds) q.reset.run(accountId, jid, id);
    }),
  };
}
export type Heartbeats = ReturnType<typeof createHeartbeats>;
