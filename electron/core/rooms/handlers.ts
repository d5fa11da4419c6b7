// The rooms' commands (XEP-0045): joining and leaving, invitations, finding rooms, administration,
// moderation, and whether a room notifies.
import { ok } from '../../../shared/errors.js';
import type { CommandsOf, Handlers } from '../../ipc/handlers.js';
import type { ChatService, NotificationService, RetractionService } from '../messages/index.js';
import { openPrivateChat } from './private-chat.js';
import type { RoomAdminService } from './room-admin.js';
import type { RoomDiscovery } from './room-discovery.js';
import type { RoomInvites } from './room-invites.js';
import type { RoomService } from './rooms.js';

export interface RoomsHandlersDeps {
  rooms: RoomService;
  chats: ChatService;
  invites: RoomInvites;
  roomDiscovery: RoomDiscovery;
  roomAdmin: RoomAdminService;
  retraction: RetractionService;
  notifications: NotificationService;
}

export function roomsHandlers(deps: RoomsHandlersDeps) {
  const { rooms, invites, roomDiscovery, roomAdmin, retraction, notifications } = deps;
  return {
    'rooms:list': async () => ok(rooms.list()),
    'rooms:join': ({ accountId, room, nick, password }) => rooms.join(accountId, room, nick, password),
    'rooms:leave': ({ accountId, room }) => rooms.leave(accountId, room),
    'rooms:invite': ({ accountId, room, invitee, reason, mode }) => invites.invite(accountId, room, invitee, reason || undefined, mode),
    'rooms:invitations': async () => ok(invites.list()),
    'rooms:accept-invitation': ({ accountId, room, nick, password }) => invites.accept(accountId, room, nick, password),
    'rooms:decline-invitation': ({ accountId, room, reason }) => invites.decline(accountId, room, reason || undefined),
    'rooms:browse': ({ accountId, service }) => roomDiscovery.browse(accountId, service),
    'rooms:info': ({ accountId, room }) => roomDiscovery.info(accountId, room),
    'rooms:set-notify': async ({ accountId, room, notify }) => notifications.setRoomMode(accountId, room, notify),
    'rooms:open-private': async ({ accountId, room, nick }) => openPrivateChat(deps, accountId, room, nick),
    'rooms:moderate': ({ messageId, reason }) => retraction.moderate(messageId, reason),
    'rooms:create': ({ accountId, room, nick, password }) => roomAdmin.create(accountId, room, nick, password),
    'rooms:get-config': ({ accountId, room }) => roomAdmin.getConfig(accountId, room),
    'rooms:configure': ({ accountId, room, values }) => roomAdmin.configure(accountId, room, values),
    'rooms:cancel-config': ({ accountId, room }) => roomAdmin.cancelConfig(accountId, room),
    'rooms:set-role': ({ accountId, room, nick, role, reason }) => roomAdmin.setRole(accountId, room, nick, role, reason || undefined),
    'rooms:set-affiliation': ({ accountId, room, jid, affiliation, reason }) =>
      roomAdmin.setAffiliation(accountId, room, jid, affiliation, reason || undefined),
    'rooms:list-affiliation': ({ accountId, room, affiliation }) => roomAdmin.listAffiliation(accountId, room, affiliation),
    'rooms:set-subject': ({ accountId, room, subject }) => roomAdmin.setSubject(accountId, room, subject),
  } satisfies Pick<Handlers, CommandsOf<'rooms'>>;
}
