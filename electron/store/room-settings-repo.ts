// The user's choices per room (table room_settings, migration 0007): today when its messages notify.
// A room never configured has no row and follows the default.
import type { Db } from './db.js';
import type { RoomNotifyMode } from '../../shared/views.js';

export function createRoomSettingsRepo(db: Db) {
  const get = db.prepare<[string, string], { notify: RoomNotifyMode }>('SELECT notify FROM room_settings WHERE account_id = ? AND jid = ?');
  const remove = db.prepare<[string, string]>('DELETE FROM room_settings WHERE account_id = ? AND jid = ?');
  const set = db.prepare<[string, string, RoomNotifyMode]>(`INSERT INTO room_settings (account_id, jid, notify) VALUES (?, ?, ?)
    ON CONFLICT (account_id, jid) DO UPDATE SET notify = excluded.notify`);
  return {
    /** The room's notification choice; undefined when the user never made one. */
    notifyMode: (accountId: string, room: string): RoomNotifyMode | undefined => get.get(accountId, room)?.notify,
    setNotifyMode: (accountId: string, room: string, notify: RoomNotifyMode) => void set.run(accountId, room, notify),
    /** Back to the default: the row goes. */
    clearNotifyMode: (accountId: string, room: string) => void remove.run(accountId, room),
  };
}
export type RoomSettingsRepo = ReturnType<typeof createRoomSettingsRepo>;
