// The rooms the user is in (migration 0004's rooms table), each with the nickname used there: kept so
// that they are listed at start-up and rejoined after every sign-in (rooms/state.ts, rooms/presence.ts).
// What the rooms say and who is in them lives in memory only; passwords are never written here.
import type { Db } from './db.js';

/** A room the user is in, as kept. */
export interface SavedRoom {
  jid: string;
  nick: string;
}

export function createRoomsRepo(db: Db) {
  return {
    /** The account's rooms. */
    saved: (accountId: string): SavedRoom[] =>
      db.prepare<[string], SavedRoom>('SELECT jid, nick FROM rooms WHERE account_id = ?').all(accountId),
    /** The user is in the room under this nickname (joined, or the room changed it). */
    save: (accountId: string, jid: string, nick: string) =>
      void db
        .prepare(
          'INSERT INTO rooms (account_id, jid, nick) VALUES (?, ?, ?) ON CONFLICT (account_id, jid) DO UPDATE SET nick = excluded.nick',
        )
        .run(accountId, jid, nick),
    /** The user is out of the room (left, removed, or left it on another device). */
    forget: (accountId: string, jid: string) => void db.prepare('DELETE FROM rooms WHERE account_id = ? AND jid = ?').run(accountId, jid),
  };
}
export type RoomsRepo = ReturnType<typeof createRoomsRepo>;
