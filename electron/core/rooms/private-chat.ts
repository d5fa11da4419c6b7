// XEP-0045 §7.5: a private chat with one occupant of a room the user is in (held until joined), addressed
// to the occupant's room JID; only for a room of the user's.
import type { AccountId } from '../../../shared/ids.js';
import { fail, type Result } from '../../../shared/errors.js';
import type { ConversationView } from '../../../shared/views.js';
import type { ChatService } from '../messages/index.js';
import type { RoomService } from './rooms.js';

export function openPrivateChat(
  deps: { rooms: Pick<RoomService, 'isRoom'>; chats: Pick<ChatService, 'open'> },
  accountId: AccountId,
  room: string,
  nick: string,
): Result<ConversationView> {
  return deps.rooms.isRoom(accountId, room)
    ? deps.chats.open(accountId, `${room}/${nick}`)
    : fail('room-not-found', 'not one of your rooms');
}
