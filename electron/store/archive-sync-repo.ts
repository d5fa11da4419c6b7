// Where archive catch-up (XEP-0313) stands for each archive an account reads (its own, and each
// room's): the newest archive id stored with no gap before it, and when a catch-up last reached the
// end (table archive_sync, migration 0002).
import type { Db } from './db.js';

export interface ArchivePosition {
  /** The newest archive id stored with no gap before it. */
  lastId?: string;
  /** Its timestamp (epoch ms), when the archive said. */
  lastAt?: number;
  /** When a catch-up last reached the end of the archive (epoch ms). */
  syncedAt?: number;
}

interface Row {
  last_id: string | null;
  last_at: number | null;
  synced_at: number | null;
}

export function createArchiveSyncRepo(db: Db) {
  const get = db.prepare<[string, string], Row>(
    'SELECT last_id, last_at, synced_at FROM archive_sync WHERE account_id = ? AND archive_jid = ?',
  );
  const setLast = db.prepare<
    [string, string, string, number | null]
  >(`INSERT INTO archive_sync (account_id, archive_jid, last_id, last_at) VALUES (?, ?, ?, ?)
    ON CONFLICT (account_id, archive_jid) DO UPDATE SET last_id = excluded.last_id, last_at = coalesce(excluded.last_at, last_at)`);
  const setSynced = db.prepare<[string, string, number]>(`INSERT INTO archive_sync (account_id, archive_jid, synced_at) VALUES (?, ?, ?)
    ON CONFLICT (account_id, archive_jid) DO UPDATE SET synced_at = excluded.synced_at`);
  return {
    /** Where catch-up of this archive stands; undefined when it was never read. */
    position(accountId: string, archiveJid: string): ArchivePosition | undefined {
      const r = get.get(accountId, archiveJid);
      if (!r) return undefined;
      return {
        ...(r.last_id !== null ? { lastId: r.last_id } : {}),
        ...(r.last_at !== null ? { lastAt: r.last_at } : {}),
        ...(r.synced_at !== null ? { syncedAt: r.synced_at } : {}),
      };
    },
    /** The archive is stored without a gap up to `lastId`; a position without a time keeps the time it had. */
    setLast: (accountId: string, archiveJid: string, lastId: string, lastAt: number | undefined) =>
      void setLast.run(accountId, archiveJid, lastId, lastAt ?? null),
    /** A catch-up reached the end of the archive at `at`. */
    setSynced: (accountId: string, archiveJid: string, at: number) => void setSynced.run(accountId, archiveJid, at),
  };
}
export type ArchiveSyncRepo = ReturnType<typeof createArchiveSyncRepo>;
