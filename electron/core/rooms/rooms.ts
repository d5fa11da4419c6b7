// Group rooms (XEP-0045): join (creating an instant room when it is new), leave, occupants with roles
// and affiliations, subject, messages in and out through the same pipeline and outbox as chats, the
// room's history from its archive (XEP-0313 on the room JID), and rejoining after every new session.
// Room messages are accepted only from the room's own JID, and only for rooms the user is in.
// The service is put together here from its parts: state.ts (what is known of each room), presence.ts
// (joining, leaving, occupants), message-stages.ts (the room stages of the receive pipeline) and
// room-errors.ts (refusals and removals as errors).
import type { AccountId } from '../../../shared/ids.js';
import type { RoomNotifyMode } from '../../../shared/views.js';
import type { Db } from '../../store/db.js';
import { createRoomsRepo } from '../../store/rooms-repo.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import type { ChatService } from '../messages/index.js';
import type { ConnectionService } from '../session/index.js';
import type { EventBus } from '../kernel/index.js';
import type { Logger } from '../../lib/log.js';
import type { SyncService } from '../sync/index.js';
import { createRoomState } from './state.js';
import { createRoomPresence } from './presence.js';
import { installRoomStages } from './message-stages.js';

export type { RemovalReason } from './room-errors.js';
export type { RoomToJoin } from './state.js';
export { removalNotice, roleNotice } from './presence.js';

export interface RoomsDeps {
  db: Db;
  repo: MessagesRepo;
  chats: ChatService;
  sync: SyncService;
  connections: ConnectionService;
  events: EventBus;
  log: Logger;
  joinTimeoutMs?: number;
  /** The user's choice of when this room notifies (notifications.ts), shown with the room. */
  notifyMode?(accountId: AccountId, jid: string): RoomNotifyMode;
}

export function createRoomService(deps: RoomsDeps) {
  const state = createRoomState(deps, createRoomsRepo(deps.db));
  const { installOn, join, refreshInfo, leave, onOnline, onOffline } = createRoomPresence(deps, state);
  installRoomStages(deps, state, refreshInfo);
  const {
    archived,
    onJoined,
    onLeft,
    onRemoved,
    onCaughtUp,
    isCaughtUp,
    saved,
    passwordOf,
    joinedRooms,
    setUnreachable,
    list,
    nickIn,
    unlocked,
    isJoined,
    moderationFacts,
    isRoom,
    nameOf,
    announce,
    load,
  } = state;
  return {
    installOn,
    join,
    refreshInfo,
    archived,
    leave,
    onJoined,
    onLeft,
    onRemoved,
    onCaughtUp,
    isCaughtUp,
    saved,
    passwordOf,
    joinedRooms,
    setUnreachable,
    list,
    nickIn,
    unlocked,
    isJoined,
    moderationFacts,
    isRoom,
    nameOf,
    announce,
    onOnline,
    onOffline,
    load,
  };
}
export type RoomService = ReturnType<typeof createRoomService>;
