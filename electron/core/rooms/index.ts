// The rooms' public surface (issue #12 §1): the room service (state, presence, message stages, errors) and
// what is built on it (discovery, invitations, bookmarks, self-ping, administration), built together by
// createRoomsFeature on the message path and sync.
import type { AccountId } from '../../../shared/ids.js';
import type { Db } from '../../store/db.js';
import type { MessagesRepo } from '../../store/messages-repo.js';
import type { SecretStore } from '../../secrets/secret-store.js';
import { createRoomInvitationsRepo } from '../../store/room-invitations-repo.js';
import { createLogger } from '../../lib/log.js';
import { errorMessage } from '../../lib/error-message.js';
import type { EventBus, Lifecycle } from '../kernel/index.js';
import type { ConnectionService } from '../session/index.js';
import type { ChatService, NotificationService, RetractionService } from '../messages/index.js';
import type { SyncService } from '../sync/index.js';
import { createRoomService } from './rooms.js';
import { createRoomDiscovery } from './room-discovery.js';
import { createRoomInvites } from './room-invites.js';
import { createBookmarkService } from './bookmarks.js';
import { createSelfPing, type SelfPingOptions } from './room-self-ping.js';
import { createRoomAdminService } from './room-admin.js';
import { roomsHandlers } from './handlers.js';

export type { RoomService, RemovalReason, RoomToJoin } from './rooms.js';
export type { SelfPingOptions, SelfPing } from './room-self-ping.js';
export type { RoomInvites } from './room-invites.js';
export type { RoomDiscovery } from './room-discovery.js';
export type { RoomAdminService } from './room-admin.js';
export type { BookmarkService } from './bookmarks.js';

export interface RoomsFeatureDeps {
  db: Db;
  repo: MessagesRepo;
  chats: ChatService;
  sync: SyncService;
  connections: ConnectionService;
  events: EventBus;
  notifications: NotificationService;
  retraction: RetractionService;
  /** The accounts whose saved rooms are listed at start-up. */
  accountIds: AccountId[];
  contactName(accountId: AccountId, jid: string): string | undefined;
  secretsOf(accountId: AccountId): SecretStore | undefined;
  jidOf(accountId: AccountId): string | undefined;
  /** A room's history was caught up (chat markers held back until then are sent). */
  onCaughtUp(accountId: AccountId): void;
  selfPing?: SelfPingOptions;
}

export function createRoomsFeature(deps: RoomsFeatureDeps) {
  const { db, repo, chats, connections, events, notifications, jidOf } = deps;
  const rooms = createRoomService({
    db,
    repo,
    chats,
    sync: deps.sync,
    connections,
    events,
    log: createLogger('rooms'),
    notifyMode: notifications.mode,
  });
  const roomDiscovery = createRoomDiscovery({ connections, log: createLogger('room-discovery') });
  rooms.load(deps.accountIds);
  rooms.onCaughtUp((accountId) => deps.onCaughtUp(accountId));
  // Invitations, bookmarks (which rooms to join after sign-in, on every device) and self-pings.
  const invites = createRoomInvites({
    invitations: createRoomInvitationsRepo(db),
    chats,
    rooms,
    connections,
    events,
    log: createLogger('room-invites'),
    contactName: deps.contactName,
    secretsOf: deps.secretsOf,
    jidOf,
  });
  const bookmarks = createBookmarkService({ rooms, connections, log: createLogger('bookmarks'), jidOf });
  const selfPing = createSelfPing({ rooms, connections, log: createLogger('self-ping'), ...deps.selfPing });
  const roomAdmin = createRoomAdminService({ rooms, connections, log: createLogger('room-admin') });
  return {
    rooms,
    handlers: roomsHandlers({ rooms, chats, invites, roomDiscovery, roomAdmin, retraction: deps.retraction, notifications }),
    parts: {
      selfPing: { name: 'self-ping', installOn: selfPing.installOn, start: selfPing.start, stop: selfPing.stop },
      rooms: { name: 'rooms', installOn: rooms.installOn, onOffline: rooms.onOffline },
      roomDiscovery: { name: 'room-discovery', installOn: roomDiscovery.installOn },
      roomInvites: { name: 'room-invites', installOn: invites.installOn },
      bookmarks: {
        name: 'bookmarks',
        installOn: bookmarks.installOn,
        onOnline: (id, c) =>
          void bookmarks.onOnline(id, c).catch((err) => createLogger('rooms').warn(`rejoining rooms failed: ${errorMessage(err)}`)),
      },
    } satisfies Record<string, Lifecycle>,
  };
}
